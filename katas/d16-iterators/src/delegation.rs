//! # Kata 6: delegation
//!
//! **Build** iterators over logs stored in layers: a [`Folder`] holds [`LogFile`]s (and
//! sub-folders), a `LogFile` holds [`Segment`]s (rotated chunks), a `Segment` holds lines.
//!
//! - `lines_in_file` and `lines_in_folder` flatten one and two layers;
//! - `live_then_archive` walks the live file, then every archived folder;
//! - `lines_of_folder` finds a folder by name and walks it, or says it does not exist;
//! - `lines_in_tree` walks a folder and all its sub-folders, depth first.
//!
//! **Why.** Real data is nested: logs in segments in files in folders, rows in pages in
//! responses. Copying every layer into one big `Vec` to loop over it costs memory and
//! time before the first line is seen; delegating to the inner iterators streams the
//! lines through with nothing copied.
//!
//! **Python → Rust.** Python's `yield from inner` hands every item of `inner` to the
//! caller. Rust's counterparts are adaptors: [`Iterator::flat_map`] (for each outer item,
//! delegate to the iterator it gives) and [`Iterator::chain`] (this stream, then that
//! one). A function that returns `impl Iterator` can call another such function from
//! inside its closure, one layer per function. It cannot call *itself* that way: the
//! iterator type would contain itself and be infinitely large. Recursive delegation, which
//! `yield from` does without ceremony, needs a `Box<dyn Iterator>` in Rust.
//!
//! **The tests check.**
//! - the order of lines through every layer. Checked by
//!   `a_file_yields_its_segments_lines_in_order`,
//!   `a_folder_delegates_to_each_of_its_files_in_turn`.
//! - empty segments, files and folders leave no gaps. Checked by
//!   `empty_segments_files_and_folders_leave_no_gaps`.
//! - the live-then-archive order. Checked by `the_live_file_comes_before_the_archive`.
//! - a nested tree, depth first, at any depth (1,000 levels: a path kept in an array of fixed
//!   size does not reach it). Checked by
//!   `a_tree_is_walked_depth_first_through_every_level`,
//!   `a_deep_tree_is_walked_through_every_level_in_order`.
//! - every walk (`lines_in_file`, `lines_in_folder`, `live_then_archive`, `lines_of_folder`,
//!   `lines_in_tree`) keeps returning `None` once it has (1,000 more calls). Checked by
//!   `every_walk_stays_spent_once_it_has_returned_none`.
//! - a folder found by name, and the typed error for an unknown one. Checked by
//!   `finds_a_folder_by_name_and_walks_it`,
//!   `an_unknown_folder_is_a_typed_error_listing_the_known_ones`.
//! - no line is copied: walking a file, a folder, a folder found by name, or live-then-archive
//!   allocates nothing, for layers of every size from a one-line file up to thousands of lines
//!   (copying only the small layers is a copy too). Checked by `walking_a_file_copies_no_line_and_builds_no_list`,
//!   `walking_a_folder_copies_no_line_and_builds_no_list`,
//!   `walking_a_folder_found_by_name_copies_no_line`,
//!   `walking_live_then_archive_copies_no_line_and_builds_no_list`.
//! - a tree walk holds a few boxes (those of the path being walked), never a list of lines nor a
//!   box or list entry per folder, not even where a folder has few sub-folders (a root with 2,000
//!   sub-folders, a tree of 1,093 folders with 3 sub-folders each and one of 127 folders with 2
//!   each are walked in under 2 KiB).
//!   Checked by `a_tree_walk_allocates_per_folder_not_per_line`,
//!   `a_wide_tree_holds_the_boxes_of_one_path_not_of_every_folder`.
//! - building a tree walk and taking its first line (the root's own) holds the same heap whatever
//!   lies below the root (nothing, a chain 40 folders deep, binary and 3-wide trees 6 levels deep)
//!   and whether the root holds 1 line or 130: no sub-folder's walk is built before the walk
//!   reaches it, and no folder's lines are gathered into a list, however few. Checked by
//!   `the_first_line_of_a_tree_costs_one_box_whatever_lies_below_it`.
//! - walking a whole tree holds exactly the same heap at its peak whatever the size of a layer: a
//!   root of n lines in one segment, of n one-line segments, of n one-line files, or of n one-line
//!   sub-folders, for every n from 1 to 64, then n about a quarter apart up to 10,000, holds what
//!   it holds for n = 1: no folder's lines gathered into a list, no file's walk opened up front,
//!   no sub-folder's walk built before it is reached, at any size. Checked by
//!   `a_tree_walk_holds_the_same_heap_for_folders_of_every_size`.
//! - `lines_in_file`, `lines_in_folder`, `lines_of_folder` and `live_then_archive` delegate to the
//!   inner iterators: their types hold a `FlatMap` or `Flatten` (and `live_then_archive` a
//!   `Chain`), never a `from_fn`, `successors` or `scan` cursor over hand-kept indices (nor a
//!   `cycle` feeding one); and nothing but
//!   std adaptors, slice iterators over the layers, the layer types, your closures and functions
//!   (no iterator type of your own, no `once` or range wrapped in a decoy `flat_map`); no `Vec`
//!   owned by the walk (its `IntoIter` is a copy, or a clock of zero-sized `()`s), and slice
//!   iterators and `Vec`s only over the layers and their lines. Checked by
//!   `each_layer_delegates_to_the_inner_iterators_not_a_hand_kept_cursor`.
//! - the walks of `lines_in_file`, `lines_in_folder`, `lines_of_folder` and `live_then_archive`
//!   hold nothing but the iterators they delegate to: each is no bigger than `flatten`, `flat_map`
//!   and `chain` over slice iterators with closures that capture nothing (hand-kept indices, or a
//!   reference back to the layers, captured by a `map` closure beside a `flat_map` that only
//!   ticks, add bytes). Checked by `a_walk_holds_the_inner_iterators_and_no_indices_of_its_own`.
//! - the lazy flattening equals nested `for` loops that push into a `Vec`. Checked by
//!   `flattening_equals_nested_loops_into_a_vec`.
//!
//! **Not checked.** How `lines_in_tree` is built behind its `Box<dyn Iterator>`: a hand-written
//! iterator with an explicit stack of the folders being walked (one that grows: a fixed array
//! fails the 1,000-level tree) behaves (and allocates) like the delegation chain. The lesson is to let `flat_map` and `chain` do that bookkeeping. Nor the
//! time a walk takes: one that finds the k-th folder by walking again from the root for every k
//! allocates nothing and gives the same lines in quadratic time (`Folder` has plain fields, so
//! no test can count the visits); the chain visits each folder once. For the same reason no test
//! counts which iterator's `next()` hands out each line (a segment's slice iterator or a cursor):
//! the walk's type and size are checked instead, so a cursor kept outside the walk (in a `static`
//! or a `thread_local`) is not seen. A shortcut of `lines_in_tree` switched on only at layer sizes
//! the tests do not try is not seen: every size from 1 to 64, then sizes about a quarter apart
//! (65, 81, 101, 127, …) up to 10,000 lines, segments, files or sub-folders of one folder.

/// A rotated chunk of a log file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segment {
    /// The lines of the segment, oldest first.
    pub lines: Vec<String>,
}

/// A log file: segments, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFile {
    /// The file's name.
    pub name: String,
    /// The file's segments, oldest first.
    pub segments: Vec<Segment>,
}

/// A folder of log files, and of more folders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folder {
    /// The folder's name.
    pub name: String,
    /// The files directly in this folder.
    pub files: Vec<LogFile>,
    /// The folders directly in this folder.
    pub subfolders: Vec<Folder>,
}

/// Why a folder could not be walked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderError {
    /// No folder of the list has this name.
    #[error("no folder named {name:?}; known folders: {known:?}")]
    UnknownFolder {
        /// The name asked for.
        name: String,
        /// The names that exist.
        known: Vec<String>,
    },
}

/// Every line of a file: each segment's lines in turn.
pub fn lines_in_file(file: &LogFile) -> impl Iterator<Item = &str> {
    todo!("walk the lines of every segment of {:?}", file.name) as std::iter::Empty<&str>
}

/// Every line of the files directly in a folder (not its sub-folders), file by file.
pub fn lines_in_folder(folder: &Folder) -> impl Iterator<Item = &str> {
    todo!("walk the lines of every file in {:?}", folder.name) as std::iter::Empty<&str>
}

/// The live file's lines first, then each archived folder's, in order.
pub fn live_then_archive<'a>(
    live: &'a LogFile,
    archive: &'a [Folder],
) -> impl Iterator<Item = &'a str> {
    todo!(
        "walk {:?}, then the {} archived folders",
        live.name,
        archive.len()
    ) as std::iter::Empty<&str>
}

/// The lines of the folder called `name` (its own files), or which folders exist.
pub fn lines_of_folder<'a>(
    folders: &'a [Folder],
    name: &str,
) -> Result<impl Iterator<Item = &'a str>, FolderError> {
    todo!(
        "find the folder {name:?} among {} and walk it",
        folders.len()
    ) as Result<std::iter::Empty<&str>, FolderError>
}

/// A folder's own lines, then each sub-folder's tree in turn (depth first).
pub fn lines_in_tree(folder: &Folder) -> Box<dyn Iterator<Item = &str> + '_> {
    todo!("walk {:?} and every folder below it", folder.name)
}
