//! Kata 8: recursion where it belongs: a tree whose depth is bounded by construction.

use super::{SMALL_STACK, WIDTHS, assert_same_stack_at_every_width, on_small_stack};
use crate::tree_listing::{MAX_DEPTH, Tree, TreeError};
use rstest::rstest;

/// Adds `path`, failing the test with the error if the tree refuses it.
fn add(tree: &mut Tree, path: &str, size: u64) {
    if let Err(error) = tree.add_file(path, size) {
        panic!("add_file({path:?}, {size}) was refused ({error:?}): the path is valid");
    }
}

/// A small project: files at three levels, names that sort in byte order.
fn project() -> Tree {
    let mut tree = Tree::new("project");
    add(&mut tree, "src/lib.rs", 800);
    add(&mut tree, "src/main.rs", 200);
    add(&mut tree, "src/bin/tool.rs", 150);
    add(&mut tree, "README.md", 300);
    add(&mut tree, "docs/guide/intro.md", 1200);
    add(&mut tree, "docs/guide/setup.md", 34);
    add(&mut tree, "Cargo.toml", 90);
    add(&mut tree, "docs/empty.txt", 0);
    tree
}

/// `levels` nested directories `d1/d2/…`, the last component a file.
fn path_of(levels: usize) -> String {
    let mut parts: Vec<String> = (1..levels).map(|level| format!("d{level}")).collect();
    parts.push("leaf.txt".to_owned());
    parts.join("/")
}

#[test]
fn renders_an_indented_listing_with_sizes_summed_bottom_up() {
    let listing = project().render();
    assert_suite_snapshot!("tree_listing_project", listing);
}

#[test]
fn directory_sizes_include_everything_below_them() {
    let listing = project().render();
    for line in [
        "project/ (2774 bytes)\n",
        "  docs/ (1234 bytes)\n",
        "  src/ (1150 bytes)\n",
    ] {
        assert!(
            listing.contains(line),
            "render() gave\n{listing}\nwhich lacks the line {line:?}: a directory's size is its \
             files plus the totals of its sub-directories, all the way down"
        );
    }
}

#[test]
fn the_total_size_adds_every_file() {
    let got = project().total_size();
    assert_eq!(
        got, 2774,
        "total_size() gave {got}: 800 + 200 + 150 + 300 + 1200 + 34 + 90 + 0"
    );
}

#[test]
fn sizes_past_u64_add_up_in_a_u128() {
    let mut tree = Tree::new("disk");
    add(&mut tree, "a/full", u64::MAX);
    add(&mut tree, "a/byte", 1);
    add(&mut tree, "b", 5);
    let (total, listing) = (tree.total_size(), tree.render());
    let a = format!("  a/ ({} bytes)\n", 1u128 << 64);
    assert!(
        total == (1u128 << 64) + 5 && listing.contains(&a),
        "total_size() gave {total} and render() gave\n{listing}\nu64::MAX + 1 + 5 is past \
         u64::MAX: add the sizes as u128 (a u64 sum wraps to a tiny number), in the total and \
         in each directory's line"
    );
}

#[test]
fn an_empty_tree_is_one_line() {
    let tree = Tree::new("empty");
    let (listing, total) = (tree.render(), tree.total_size());
    assert_eq!(
        (listing.as_str(), total),
        ("empty/ (0 bytes)\n", 0),
        "an empty tree rendered as {listing:?} with total {total}: just the root, 0 bytes"
    );
}

#[rstest]
#[case::empty_path("")]
#[case::leading_slash("/a")]
#[case::double_slash("a//b")]
#[case::trailing_slash("a/")]
fn an_empty_component_is_refused(#[case] path: &str) {
    let mut tree = Tree::new("t");
    let got = tree.add_file(path, 1);
    assert_eq!(
        got,
        Err(TreeError::EmptyComponent {
            path: path.to_owned()
        }),
        "add_file({path:?}) gave {got:?}: every component between the slashes must have a name"
    );
}

#[test]
fn a_path_of_max_depth_components_is_accepted() {
    let mut tree = Tree::new("t");
    let path = path_of(MAX_DEPTH);
    let got = tree.add_file(&path, 5);
    assert_eq!(
        got,
        Ok(()),
        "add_file of a path with {MAX_DEPTH} components gave {got:?}: MAX_DEPTH components \
         are allowed, only more are refused"
    );
}

#[test]
fn one_component_more_than_max_depth_is_refused() {
    let mut tree = Tree::new("t");
    let path = path_of(MAX_DEPTH + 1);
    let got = tree.add_file(&path, 5);
    assert_eq!(
        got,
        Err(TreeError::TooDeep {
            path: path.clone(),
            depth: MAX_DEPTH + 1,
            max: MAX_DEPTH
        }),
        "add_file of a path with {} components gave {got:?}: the depth bound is what makes \
         the recursive walks safe, so it is enforced when the tree is built",
        MAX_DEPTH + 1
    );
}

#[test]
fn a_file_cannot_hold_other_entries() {
    let mut tree = project();
    let got = tree.add_file("src/lib.rs/extra/x.rs", 1);
    assert_eq!(
        got,
        Err(TreeError::NotADirectory {
            path: "src/lib.rs/extra/x.rs".to_owned(),
            file: "src/lib.rs".to_owned()
        }),
        "add_file(\"src/lib.rs/extra/x.rs\") gave {got:?}: src/lib.rs is a file, and the \
         error names its path"
    );
}

#[rstest]
#[case::a_file_twice("src/lib.rs")]
#[case::a_directory_as_a_file("src")]
#[case::a_nested_directory_as_a_file("docs/guide")]
fn an_existing_path_is_refused_and_the_tree_is_unchanged(#[case] path: &str) {
    let mut tree = project();
    let before = tree.render();
    let got = tree.add_file(path, 7);
    let after = tree.render();
    assert_eq!(
        (&got, after.as_str()),
        (
            &Err(TreeError::AlreadyExists {
                path: path.to_owned()
            }),
            before.as_str()
        ),
        "add_file({path:?}) gave {got:?} and left the tree as\n{after}\nit must be refused \
         with AlreadyExists and must not replace what is there"
    );
}

#[rstest]
#[case::too_deep(format!("new/{}", path_of(MAX_DEPTH)))]
#[case::empty_middle("new//x".to_owned())]
#[case::empty_file_name("a/".to_owned())]
#[case::empty_file_under_new_dirs("new/x/".to_owned())]
fn a_refused_path_creates_no_directories(#[case] path: String) {
    let mut tree = project();
    let before = tree.render();
    let got = tree.add_file(&path, 1);
    let after = tree.render();
    assert!(
        got.is_err() && after == before,
        "add_file({path:?}) gave {got:?} and left\n{after}\n\
         a refused add_file leaves the tree as it was: check the whole path before creating \
         anything"
    );
}

#[test]
fn rendering_the_deepest_tree_fits_a_256_kib_stack() {
    let mut tree = Tree::new("deep");
    add(&mut tree, &path_of(MAX_DEPTH), 9);
    let listing = on_small_stack("render a tree MAX_DEPTH deep", SMALL_STACK, || {
        tree.render()
    });
    let last = listing.lines().last().unwrap_or_default();
    let expected = format!("{}leaf.txt (9 bytes)", "  ".repeat(MAX_DEPTH));
    assert_eq!(
        (listing.lines().count(), last),
        (MAX_DEPTH + 1, expected.as_str()),
        "render() of a tree {MAX_DEPTH} levels deep gave\n{listing}\none line per entry, the \
         file indented {MAX_DEPTH} times; recursion this shallow is safe on any stack"
    );
}

/// A tree 3 levels deep whose root and `src/` each hold `width` files beside a directory,
/// and whose root also holds `width` sibling directories `d…/` of one file each.
fn wide_tree(width: usize) -> Tree {
    let mut tree = Tree::new("wide");
    for index in 0..width {
        add(&mut tree, &format!("f{index:04}"), 1);
        add(&mut tree, &format!("src/g{index:04}"), 2);
        add(&mut tree, &format!("d{index:04}/h"), 4);
    }
    add(&mut tree, "src/deep/leaf.txt", 3);
    tree
}

#[test]
fn rendering_uses_the_same_stack_however_wide_a_directory_is() {
    let trees = WIDTHS.map(|width| (width, wide_tree(width)));
    assert_same_stack_at_every_width(
        "render() and total_size() on trees 3 levels deep with 1 to 1,000 files per directory \
         and 1 to 1,000 sibling sub-directories in the root",
        "recursion per sibling: the walk's depth must be the tree's depth (at most MAX_DEPTH \
         frames), not its width (a call per entry, or a call for the rest of the entries after \
         each sub-directory, goes a frame deeper per sibling); loop over a directory's entries \
         and recurse only into a sub-directory",
        |width| {
            let (_, tree) = trees
                .iter()
                .find(|(built, _)| *built == width)
                .expect("every width was built");
            let (listing, total) = (tree.render(), tree.total_size());
            assert_eq!(
                (listing.lines().count(), total),
                (4 * width + 4, 7 * width as u128 + 3),
                "render() and total_size() of a tree with {width} files in the root and in src/, \
                 and {width} sub-directories of one file in the root"
            );
        },
    );
}

#[test]
fn checking_a_path_uses_the_same_stack_however_many_components_it_has() {
    // Refused paths only (nothing is built, so nothing but the check differs): one ending in
    // an empty component after `width` names, and one `width` components past MAX_DEPTH.
    let paths = WIDTHS.map(|width| {
        let empty_last = format!("{}/", path_of(width));
        (width, [empty_last, path_of(MAX_DEPTH + width)])
    });
    assert_same_stack_at_every_width(
        "add_file on refused paths of 2 to 1,016 components",
        "recursion per path component: add_file recurses over the components of the path it \
         is given, so the MAX_DEPTH bound that keeps every walk shallow is enforced only after \
         a recursion as deep as the input is long; check the components in a loop",
        |width| {
            let (_, [empty_last, too_deep]) = paths
                .iter()
                .find(|(built, _)| *built == width)
                .expect("every path was built");
            let mut tree = Tree::new("t");
            let got = (tree.add_file(empty_last, 1), tree.add_file(too_deep, 1));
            assert!(
                matches!(
                    got,
                    (
                        Err(TreeError::EmptyComponent { .. }),
                        Err(TreeError::TooDeep { .. })
                    )
                ),
                "add_file of {width} names then an empty one, and of {} names, gave {got:?}",
                MAX_DEPTH + width
            );
        },
    );
}

/// Cases kept out of the visible suite, for `cargo kata exam` (docs/authoring.md): names that
/// begin other names (byte order of the names, not of full paths), sizes whose sum leaves
/// `u64`, and the file in the way named three levels down.
#[cfg(feature = "held-out")]
mod held_out {
    use super::*;

    #[test]
    fn a_name_that_begins_another_comes_before_it() {
        let mut tree = Tree::new("t");
        add(&mut tree, "a.c", 4);
        add(&mut tree, "a/x.rs", 1);
        add(&mut tree, "B/y", 8);
        add(&mut tree, "a-b.txt", 2);
        let listing = tree.render();
        assert_eq!(
            listing,
            "t/ (15 bytes)\n  B/ (8 bytes)\n    y (8 bytes)\n  a/ (1 bytes)\n    x.rs (1 bytes)\n  \
             a-b.txt (2 bytes)\n  a.c (4 bytes)\n",
            "render() gave\n{listing}\nthe entries of a directory come in byte order of their \
             names: \"B\" < \"a\" < \"a-b.txt\" < \"a.c\", so the directory a/ comes before \
             a-b.txt (ordering full paths such as \"a/x.rs\" puts it after a.c)"
        );
    }

    #[test]
    fn sizes_whose_sum_leaves_u64_add_up_in_the_total_and_the_listing() {
        let mut tree = Tree::new("big");
        add(&mut tree, "one/huge", u64::MAX);
        add(&mut tree, "two/huge", u64::MAX);
        add(&mut tree, "two/small", 2);
        let total = 2 * u128::from(u64::MAX) + 2;
        let listing = tree.render();
        let two = format!("  two/ ({} bytes)\n", u128::from(u64::MAX) + 2);
        let root = format!("big/ ({total} bytes)\n");
        assert!(
            tree.total_size() == total && listing.starts_with(&root) && listing.contains(&two),
            "total_size() gave {} and render() gave\n{listing}\nthe sizes add up to {total}, \
             past u64::MAX: sum them in a u128, in the total and in every directory's line",
            tree.total_size()
        );
    }

    #[test]
    fn the_file_in_the_way_is_named_at_any_depth() {
        let mut tree = project();
        let before = tree.render();
        let path = "docs/guide/intro.md/notes/a.txt";
        let got = tree.add_file(path, 1);
        let after = tree.render();
        assert_eq!(
            (&got, after.as_str()),
            (
                &Err(TreeError::NotADirectory {
                    path: path.to_owned(),
                    file: "docs/guide/intro.md".to_owned()
                }),
                before.as_str()
            ),
            "add_file({path:?}) gave {got:?} and left the tree as\n{after}\nthe file \
             docs/guide/intro.md cannot hold entries: the error names its whole path, and the \
             tree is left as it was"
        );
    }
}
