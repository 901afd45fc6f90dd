//! Kata 2: the same walk with an explicit stack, safe at any depth.

use super::heap::{clone_depths, count_allocations, heap_kept_by, peak_heap};
use super::{
    DeepValue, SAME_DEPTH_SLACK, SMALL_STACK, STACK_USE_SLACK, WIDTHS, arb_json,
    assert_same_stack_at_every_width, deep_value, in_own_process, on_small_stack,
    stack_use_by_size, stack_use_shallow_then_deep, stack_use_spread, wide_value,
};
use crate::delegation::extract_emails;
use crate::explicit_stack::extract_emails_iterative;
use proptest::prelude::*;
use rstest::rstest;
use serde_json::{Map, Value, json};

#[test]
fn finds_the_emails_of_the_articles_webhook_payload() {
    let payload = super::webhook_payload();
    let got = extract_emails_iterative(&payload);
    assert_eq!(
        got,
        ["arjuna@gita.com", "krishna@gita.com"],
        "extract_emails_iterative gave {got:?}: the same two emails as the recursive walk"
    );
}

#[test]
fn pops_children_in_document_order() {
    let value = json!({
        "first": [{"user_email": "1@x.io"}, {"user_email": "2@x.io"}],
        "user_email": "3@x.io",
        "last": {"b": {"user_email": "4@x.io"}, "a": {"user_email": "5@x.io"}}
    });
    let got = extract_emails_iterative(&value);
    assert_eq!(
        got,
        ["1@x.io", "2@x.io", "3@x.io", "4@x.io", "5@x.io"],
        "extract_emails_iterative gave {got:?}: a stack is last in, first out, so children \
         must be pushed in reverse to come back in document order, and a key's email must \
         come out between the keys around it"
    );
}

#[test]
fn only_strings_count_and_the_value_under_the_key_is_searched() {
    let value = json!({
        "user_email": {"user_email": "inner@x.io", "n": {"user_email": 5}},
        "x": [{"user_email": null}, "user_email"]
    });
    let got = extract_emails_iterative(&value);
    assert_eq!(
        got,
        ["inner@x.io"],
        "extract_emails_iterative gave {got:?}: only string values under \"user_email\" \
         count, and the value under that key is searched too"
    );
}

#[test]
fn a_scalar_document_has_no_emails() {
    let got = extract_emails_iterative(&json!("user_email"));
    assert!(
        got.is_empty(),
        "extract_emails_iterative(\"user_email\") gave {got:?}: a scalar is the base case and \
         holds no key"
    );
}

#[test]
fn walks_on_the_calling_thread_not_on_a_bigger_stack() {
    // 64 emails: the walk clones 64 strings, and the counting allocator sees them only if
    // they are allocated on this thread.
    let members: Vec<Value> = (0..64)
        .map(|i| json!({"profile": {"user_email": format!("u{i}@x.io")}}))
        .collect();
    let value = json!({"members": members});
    let (got, allocations) = count_allocations(|| extract_emails_iterative(&value));
    assert_eq!(got.len(), 64, "found {} of the 64 emails", got.len());
    assert!(
        allocations >= 64,
        "extract_emails_iterative cloned its 64 emails somewhere other than the calling thread \
         (this thread saw {allocations} allocations): running the recursive walk on a thread \
         with a huge stack only moves the cliff (a deeper payload still aborts the process). \
         Walk on the caller's thread with your own Vec as the stack"
    );
}

#[test]
fn its_memory_follows_the_depth_not_the_size_of_the_document() {
    // 16 arrays of 16 arrays of 16 small objects: 4,369 values, 3 levels deep, 16 emails.
    // A stack of pending values holds the children of each open level at most (about 50
    // entries); a queue (breadth first) holds a whole level, and a record of every value
    // visited (to sort the emails into document order afterwards) holds all 4,369.
    let leaf = |i: usize, j: usize, k: usize| {
        if k == 0 && j == 0 {
            json!({"user_email": format!("{i}@x.io")})
        } else {
            json!({"id": k})
        }
    };
    let value = Value::Array(
        (0..16)
            .map(|i| {
                Value::Array(
                    (0..16)
                        .map(|j| Value::Array((0..16).map(|k| leaf(i, j, k)).collect()))
                        .collect(),
                )
            })
            .collect(),
    );
    let (got, peak) = peak_heap(|| extract_emails_iterative(&value));
    let expected: Vec<String> = (0..16).map(|i| format!("{i}@x.io")).collect();
    assert_eq!(got, expected, "extract_emails_iterative gave {got:?}");
    assert!(
        peak <= 8 * 1024,
        "extract_emails_iterative held {peak} bytes of heap at once on 4,369 values nested 3 \
         levels deep: its memory grew with the whole document, not with its depth (a queue \
         walks breadth first and holds a whole level; noting every value visited, to sort the \
         emails afterwards, holds them all). Keep a Vec as a stack (last in, first out) of \
         the values still to visit, children pushed in reverse: it stands for the call stack"
    );
}

/// The length of every email of [`the_pending_values_live_on_the_calling_thread`]: the
/// allocator notes where each allocation of exactly this many bytes (a clone of one of them)
/// is made.
const LEVEL_EMAIL_LEN: usize = 53;

#[rstest]
#[case::two_thousand_levels(2_000, false)]
#[case::thirty_levels(30, false)]
#[case::thirty_levels_with_an_email_each(30, true)]
fn the_pending_values_live_on_the_calling_thread(#[case] levels: usize, #[case] emails: bool) {
    // Each level an object {"next": <deeper>, "z": 0}: in document order "z" is still
    // pending while everything under "next" is walked, so any walk on this thread holds one
    // pending entry per level (at least 8 bytes each) at the deepest point. 30 levels too: a
    // walk that recurses while the value is shallow and keeps a Vec only below some depth
    // holds nothing pending there (its frames hold it). With `emails`, each level starts with
    // {"user_email": <53 bytes>}, and the one loop clones every level's email at one stack
    // depth: a walk that calls itself for some levels, however few and wherever they are,
    // clones their emails a frame deeper each.
    let mut value = json!({"user_email": "deep@x.io"});
    let mut expected = vec!["deep@x.io".to_owned()];
    for level in 0..levels {
        // Moved in, not through json! (which would copy the whole value at every level).
        let email = format!("{level:0>width$}@x.io", width = LEVEL_EMAIL_LEN - 5);
        let mut map = Map::new();
        if emails {
            map.insert("user_email".to_owned(), json!(email));
            expected.push(email);
        }
        map.insert("next".to_owned(), value);
        map.insert("z".to_owned(), json!(0));
        value = Value::Object(map);
    }
    expected.reverse();
    let value = DeepValue(value);
    let ((got, peak), depths) = clone_depths(LEVEL_EMAIL_LEN, || {
        peak_heap(|| extract_emails_iterative(&value))
    });
    assert!(
        got == expected,
        "extract_emails_iterative gave {} emails on {levels} levels, not the {} expected in \
         document order (outermost first, then \"deep@x.io\")",
        got.len(),
        expected.len()
    );
    assert!(
        peak >= levels * 8,
        "extract_emails_iterative held only {peak} bytes of heap on the calling thread while \
         walking {levels} levels that each leave a sibling pending: the values still to visit \
         were not kept on this thread, so they were kept in stack frames (a recursion, for \
         shallow values or on another thread, however big its stack, only moves the cliff); \
         walk here, at every depth, with your own Vec as the stack"
    );
    assert!(
        depths.calls == expected.len() - 1 && depths.spread() <= SAME_DEPTH_SLACK,
        "extract_emails_iterative cloned the {} emails of 53 bytes {} time(s) on the \
         calling thread, at stack addresses {} bytes apart (one loop clones them all at one \
         depth, at most {SAME_DEPTH_SLACK} bytes apart): it called itself for some levels (a \
         recursion for the top levels, or down to some depth, is still one frame per level \
         there). Walk every level with the one loop and your own Vec as the stack",
        expected.len() - 1,
        depths.calls,
        depths.spread()
    );
}

#[test]
fn walks_a_value_100_000_levels_deep_on_a_256_kib_stack() {
    // A shallow value first: a walk that is not written yet fails here, in a millisecond,
    // before 100,000 levels are built in a child process.
    let shallow = json!({"user": {"user_email": "a@example.com"}});
    assert_eq!(
        extract_emails_iterative(&shallow),
        ["a@example.com"],
        "extract_emails_iterative must find the email of a 2-level value before it is tried \
         100,000 levels deep"
    );
    in_own_process(
        module_path!(),
        "walks_a_value_100_000_levels_deep_on_a_256_kib_stack",
        "extract_emails_iterative on a value 100,000 levels deep, on a 256 KiB stack",
        || {
            let value = deep_value(100_000);
            // Measured twice: what the first walk leaves behind, then what the second finds
            // and how much stack it used next to the walk of the 2-level value.
            let (kept, got, (shallow_use, deep_use)) = on_small_stack(
                "extract_emails_iterative on 100,000 levels with a 256 KiB stack",
                SMALL_STACK,
                || {
                    let kept = heap_kept_by(|| extract_emails_iterative(&value));
                    let mut got = Vec::new();
                    let uses = stack_use_shallow_then_deep(
                        || drop(extract_emails_iterative(&shallow)),
                        || got = extract_emails_iterative(&value),
                    );
                    (kept, got, uses)
                },
            );
            assert_eq!(
                got,
                ["deep@example.com"],
                "extract_emails_iterative gave {got:?} on a value 100,000 levels deep: the \
                 email at the bottom must be found"
            );
            assert_eq!(
                kept, 0,
                "extract_emails_iterative on 100,000 levels still held {kept} bytes of heap \
                 after it returned and its list was dropped: its stack outlived the walk (a \
                 static buffer reused by every call keeps the deepest value it ever walked). \
                 Make the stack inside the call and let it drop when the walk ends"
            );
            assert!(
                deep_use <= shallow_use + STACK_USE_SLACK,
                "extract_emails_iterative used {deep_use} bytes of stack on 100,000 levels but \
                 {shallow_use} on 2 levels: it still calls itself, a frame every so many \
                 levels (a Vec stack for a batch of levels, then a call for the next batch is \
                 still a recursion: a deep enough payload overflows it). One loop and one Vec \
                 for every level, however deep"
            );
        },
    );
}

/// A value `levels` containers deep whose deep child is never the last one of its container
/// and never the only container in it: arrays `[<deeper>, []]` (first of two) and objects
/// `{"a": [], "user_email": <deeper>, "z": {}}` (in the middle, under the email key) in turn, so the value branches at every
/// level (a walk that keeps its `Vec` only along single-child chains and calls itself where a
/// container holds two nested containers recurses at every level), and the whole wrapped in `[<that>, {"user_email":
/// "after@example.com"}]`, so the walk must come back up 100,000 levels to find the second
/// email. Built from the inside out in a loop, dropped without recursion.
fn deep_value_never_in_last_place(levels: usize) -> DeepValue {
    let mut value = json!({ "user_email": "deep@example.com" });
    for level in 0..levels {
        value = if level % 2 == 0 {
            Value::Array(vec![value, json!([])])
        } else {
            let mut map = Map::new();
            map.insert("a".to_owned(), json!([]));
            // Under the email key: a container there is walked like any other.
            map.insert("user_email".to_owned(), value);
            map.insert("z".to_owned(), json!({}));
            Value::Object(map)
        };
    }
    DeepValue(Value::Array(vec![
        value,
        json!({ "user_email": "after@example.com" }),
    ]))
}

#[test]
fn walks_100_000_levels_nested_first_or_in_the_middle_on_a_256_kib_stack() {
    let shallow = json!([[{"a": 0, "m": {"user_email": "a@example.com"}, "z": 0}, 0], {"user_email": "b@example.com"}]);
    assert_eq!(
        extract_emails_iterative(&shallow),
        ["a@example.com", "b@example.com"],
        "extract_emails_iterative must find both emails of a 3-level value, in document \
         order, before it is tried 100,000 levels deep"
    );
    in_own_process(
        module_path!(),
        "walks_100_000_levels_nested_first_or_in_the_middle_on_a_256_kib_stack",
        "extract_emails_iterative on a value 100,000 levels deep where the deep child is \
         never the last one and sits beside empty containers (a loop into the last child with \
         a call for the others, or a Vec only along single-child chains with a call where a \
         container holds two nested ones, takes one frame per level here: that is still \
         recursion), on a 256 KiB stack",
        || {
            let value = deep_value_never_in_last_place(100_000);
            let got = on_small_stack(
                "extract_emails_iterative on 100,000 levels nested first or in the middle",
                SMALL_STACK,
                || extract_emails_iterative(&value),
            );
            assert_eq!(
                got,
                ["deep@example.com", "after@example.com"],
                "extract_emails_iterative gave {got:?} on a value 100,000 levels deep: the \
                 email at the bottom, then the one after the whole chain"
            );
        },
    );
}

#[test]
fn uses_the_same_stack_at_every_depth_from_1_level_up() {
    // The most stack the walk uses, on values 1 to 200 levels deep (deep child never last,
    // beside empty containers: the value branches at every level):
    // the pending values live in the Vec, so a loop's own frame is all it needs at any depth.
    // A walk that calls itself for the first levels (any number of them) before falling back
    // to a stack, or only for shallow values, uses a frame more per level it recursed.
    const LEVELS: [usize; 12] = [1, 2, 3, 4, 6, 10, 16, 24, 25, 30, 64, 200];
    let values = LEVELS.map(|levels| (levels, deep_value_never_in_last_place(levels)));
    let deepest = stack_use_by_size(64 * 1024, &LEVELS, |levels| {
        let (_, value) = values
            .iter()
            .find(|(built, _)| *built == levels)
            .expect("every size was built");
        let got = extract_emails_iterative(value);
        assert_eq!(
            got,
            ["deep@example.com", "after@example.com"],
            "extract_emails_iterative on a value {levels} levels deep"
        );
    });
    assert!(
        stack_use_spread(&deepest) <= STACK_USE_SLACK,
        "the most stack extract_emails_iterative used, as (levels, bytes): {deepest:?}. It \
         grows with the depth of the value: the walk calls itself for some levels (the top \
         ones, or every level of a shallow value, wherever a container holds two nested \
         containers, or a container stored under \"user_email\") before it uses a stack of its own. Walk every value with the one loop \
         and your own Vec as the stack, however shallow or branching"
    );
}

#[test]
fn uses_the_same_stack_however_many_siblings_a_container_has() {
    let values = WIDTHS.map(|width| (width, wide_value(width)));
    assert_same_stack_at_every_width(
        "extract_emails_iterative on values 3 levels deep: an object of 1 to 1,000 keys beside \
         1 to 1,000 items, every other one an empty container",
        "recursion per sibling: a container's children go onto your stack by a call per child \
         (pushing them in reverse by recursion, say), so the walk's depth is the document's \
         width; push them with one loop (`.rev()`)",
        |width| {
            let (_, value) = values
                .iter()
                .find(|(built, _)| *built == width)
                .expect("every width was built");
            let got = extract_emails_iterative(value);
            assert_eq!(got, ["e@x.io"], "extract_emails_iterative, width {width}");
        },
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn agrees_with_the_recursive_walk_on_any_json_tree(value in arb_json()) {
        let iterative = extract_emails_iterative(&value);
        let recursive = extract_emails(&value);
        prop_assert_eq!(&iterative, &recursive,
            "on {}, extract_emails_iterative gave {:?} but extract_emails gave {:?}: the \
             explicit stack must visit the same values in the same order as the calls did",
            value, &iterative, &recursive);
    }
}
