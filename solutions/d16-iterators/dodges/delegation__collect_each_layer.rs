//! Dodge: every layer is collected into a `Vec` and handed back as its `into_iter()`: the
//! lines come out right, but the whole layer is copied before the first line is seen.
//! Caught by: walking_a_folder_copies_no_line_and_builds_no_list, walking_live_then_archive_copies_no_line_and_builds_no_list, a_tree_walk_allocates_per_folder_not_per_line

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
    let mut all = Vec::new();
    for segment in &file.segments {
        for line in &segment.lines {
            all.push(line.as_str());
        }
    }
    all.into_iter()
}

/// Every line of the files directly in a folder (not its sub-folders), file by file.
pub fn lines_in_folder(folder: &Folder) -> impl Iterator<Item = &str> {
    let all: Vec<&str> = folder.files.iter().flat_map(lines_in_file).collect();
    all.into_iter()
}

/// The live file's lines first, then each archived folder's, in order.
pub fn live_then_archive<'a>(
    live: &'a LogFile,
    archive: &'a [Folder],
) -> impl Iterator<Item = &'a str> {
    let mut all: Vec<&str> = lines_in_file(live).collect();
    all.extend(archive.iter().flat_map(lines_in_folder));
    all.into_iter()
}

/// The lines of the folder called `name` (its own files), or which folders exist.
pub fn lines_of_folder<'a>(
    folders: &'a [Folder],
    name: &str,
) -> Result<impl Iterator<Item = &'a str>, FolderError> {
    folders
        .iter()
        .find(|folder| folder.name == name)
        .map(lines_in_folder)
        .ok_or_else(|| FolderError::UnknownFolder {
            name: name.to_owned(),
            known: folders.iter().map(|folder| folder.name.clone()).collect(),
        })
}

/// A folder's own lines, then each sub-folder's tree in turn (depth first).
pub fn lines_in_tree(folder: &Folder) -> Box<dyn Iterator<Item = &str> + '_> {
    let mut all: Vec<&str> = lines_in_folder(folder).collect();
    for sub in &folder.subfolders {
        all.extend(lines_in_tree(sub));
    }
    Box::new(all.into_iter())
}
