//! Kata 5: an iterable `LogBook` (walkable again and again) and its one-pass `Lines`.

use crate::iterable_vs_iterator::{LogBook, LogBookError};
use rstest::{fixture, rstest};

use super::heap::peak_heap;

const ENTRIES: [&str; 3] = [
    "10.0.0.5 - 404 ERROR",
    "192.168.1.1 - 200 OK",
    "10.0.0.9 - 404 ERROR",
];

/// At most this many lines are taken from a walker under test: a walker that never ends
/// must fail fast instead of filling memory.
const CAP: usize = 100;

#[fixture]
fn book() -> LogBook {
    LogBook::from_lines(ENTRIES)
        .unwrap_or_else(|e| panic!("LogBook::from_lines rejected three valid entries: {e}"))
}

#[rstest]
fn keeps_the_entries_in_order(book: LogBook) {
    let got: Vec<&str> = book.iter().take(CAP).collect();
    assert_eq!(
        (got.as_slice(), book.len(), book.is_empty()),
        (&ENTRIES[..], 3, false),
        "a book made from three entries walked as {got:?} with len() {} and is_empty() {}: \
         it must hold the entries in the order given",
        book.len(),
        book.is_empty()
    );
}

#[rstest]
fn a_borrowed_book_can_be_walked_twice(book: LogBook) {
    let mut first = Vec::new();
    for line in &book {
        first.push(line);
        if first.len() == CAP {
            break;
        }
    }
    let mut second = Vec::new();
    for line in &book {
        second.push(line);
        if second.len() == CAP {
            break;
        }
    }
    assert_eq!(
        (first.as_slice(), second.as_slice()),
        (&ENTRIES[..], &ENTRIES[..]),
        "two `for line in &book` loops saw {first:?} then {second:?}: an iterable makes a \
         fresh iterator for every loop, so both passes must see every line"
    );
}

#[rstest]
fn a_spent_walker_yields_nothing_on_a_second_pass(book: LogBook) {
    let mut lines = book.iter();
    let first_pass = lines.by_ref().take(CAP).count();
    let second_pass: Vec<&str> = lines.take(CAP).collect();
    assert_eq!(
        (first_pass, second_pass),
        (3, Vec::<&str>::new()),
        "a walker was walked twice: the first pass must see all 3 lines and the second \
         nothing, like a spent Python generator"
    );
}

#[rstest]
fn a_spent_walker_keeps_returning_none(book: LogBook) {
    let mut lines = book.iter();
    lines.by_ref().take(CAP).for_each(drop);
    let after: Vec<Option<&str>> = (0..3).map(|_| lines.next()).collect();
    assert_eq!(
        after,
        [None, None, None],
        "after its last line the walker gave {after:?}: a FusedIterator must return None \
         for ever once it has returned None"
    );
}

#[rstest]
fn a_fresh_walker_starts_over_after_another_is_spent(book: LogBook) {
    book.iter().take(CAP).for_each(drop);
    let again: Vec<&str> = book.iter().take(CAP).collect();
    assert_eq!(
        again, ENTRIES,
        "book.iter() after a spent walker gave {again:?}: each call must start a new walk \
         from the first line; the state belongs to the walker, not to the book"
    );
}

#[rstest]
fn a_walker_knows_how_many_lines_remain(book: LogBook) {
    let mut lines = book.iter();
    let before = lines.len();
    lines.next();
    let after = lines.len();
    assert_eq!(
        (before, after),
        (3, 2),
        "len() of a walker was {before} and then {after} after one next(): an \
         ExactSizeIterator reports exactly how many items are left"
    );
}

#[rstest]
fn a_walkers_size_hint_is_exact_at_every_step(book: LogBook) {
    let mut lines = book.iter();
    let mut hints = vec![lines.size_hint()];
    while lines.next().is_some() {
        hints.push(lines.size_hint());
    }
    assert_eq!(
        hints,
        [(3, Some(3)), (2, Some(2)), (1, Some(1)), (0, Some(0))],
        "a walker's size_hint() at each step was {hints:?}: an ExactSizeIterator promises \
         size_hint() == (n, Some(n)) with n the lines left (collect and zip rely on it, and \
         len() is read from it); a walker that counts a copy of itself in len() breaks the promise"
    );
}

#[rstest]
fn a_consuming_loop_moves_the_books_strings_out_without_copying(book: LogBook) {
    let places: Vec<*const u8> = book.iter().take(CAP).map(str::as_ptr).collect();
    let mut moved: Vec<*const u8> = Vec::new();
    for line in book {
        moved.push(line.as_ptr());
        if moved.len() == CAP {
            break;
        }
    }
    assert_eq!(
        moved, places,
        "`for line in book` handed out Strings whose text lies elsewhere than the book's own: \
         the consuming loop copied every line; moving the book hands out the very Strings it \
         owns (Vec<String>::into_iter), with no copy"
    );
}

#[rstest]
fn two_walkers_over_one_book_keep_their_own_place(book: LogBook) {
    let mut first = book.iter();
    let mut second = book.iter();
    let a = (first.next(), first.next());
    let b = second.next();
    let mut third = book.iter();
    let c = (first.next(), third.next(), first.next());
    assert_eq!(
        (a, b, c),
        (
            (Some(ENTRIES[0]), Some(ENTRIES[1])),
            Some(ENTRIES[0]),
            (Some(ENTRIES[2]), Some(ENTRIES[0]), None)
        ),
        "three walkers over one book, pulled in turn, disagreed with each walking on its own: \
         the position of a walk belongs to the walker (the iterator), not to the book (the \
         iterable); a new walker must not move or revive another"
    );
}

#[rstest]
fn a_consuming_loop_hands_out_owned_strings(book: LogBook) {
    let mut owned: Vec<String> = Vec::new();
    for line in book {
        owned.push(line);
    }
    assert_eq!(
        owned, ENTRIES,
        "`for line in book` (no &) gave {owned:?}: it must move the book and hand out its \
         owned Strings, in order"
    );
}

#[test]
fn an_empty_book_yields_nothing_on_every_pass() {
    let book = LogBook::from_lines(Vec::<String>::new())
        .unwrap_or_else(|e| panic!("an empty list of entries was rejected: {e}"));
    let passes = (
        book.iter().take(CAP).count(),
        (&book).into_iter().take(CAP).count(),
        book.len(),
    );
    assert_eq!(
        (passes, book.is_empty()),
        ((0, 0, 0), true),
        "an empty book gave counts {passes:?}: it must walk as nothing, every time, and say \
         it is empty"
    );
}

#[rstest]
#[case::newline_in_the_middle(&["ok", "10.0.0.5 - 404\nERROR"], 1)]
#[case::windows_line_ending(&["10.0.0.5 - 404 ERROR\r\n", "ok"], 0)]
#[case::only_a_newline(&["ok", "ok", "\n"], 2)]
#[case::a_lone_carriage_return(&["ok", "10.0.0.5 - 404\rERROR"], 1)]
fn rejects_an_entry_that_spans_lines(#[case] entries: &[&str], #[case] index: usize) {
    let got = LogBook::from_lines(entries.iter().copied());
    assert_eq!(
        got,
        Err(LogBookError::MultiLine {
            index,
            line: entries[index].to_owned(),
        }),
        "LogBook::from_lines({entries:?}) gave {got:?}: entry {index} contains a line break, \
         so it must be rejected with its index and text"
    );
}

#[test]
fn a_walker_is_a_cursor_that_copies_nothing() {
    // Every size from 0 to 64 entries, then a quarter more each time up to 50,000: a walker
    // that copies the lines only for some sizes is seen at those sizes.
    for entries in super::sizes_to_try(0, 64, 50_000) {
        // Empty entries: building the book allocates its Vec only, so the sweep stays fast.
        let book = LogBook::from_lines(std::iter::repeat_n("", entries)).unwrap_or_else(|e| {
            panic!("LogBook::from_lines rejected {entries} empty entries: {e}")
        });
        let (counts, heap) = peak_heap(|| {
            let by_method = book.iter().take(entries + 1).count();
            let mut by_loop = 0;
            for _ in &book {
                by_loop += 1;
            }
            (by_method, by_loop)
        });
        assert_eq!(
            counts,
            (entries, entries),
            "both walks must see the {entries} lines"
        );
        assert_eq!(
            heap, 0,
            "walking a book of {entries} entries with iter() and `for line in &book` allocated \
             {heap} bytes: a walker is a cursor into the book's own lines (a slice iterator), \
             not a Vec of them collected each time a walk starts, for a book of any size (sizes \
             tried: every one from 0 to 64, then about a quarter more each time up to 50,000)"
        );
    }
    let size = std::mem::size_of::<crate::iterable_vs_iterator::Lines<'static>>();
    assert!(
        size <= 4 * std::mem::size_of::<usize>(),
        "Lines takes {size} bytes: a walker is a cursor into the book's own lines (its place in \
         them, a few words such as a slice iterator's two pointers), not a copy of the lines held \
         inside the walker; an array of them on the stack is a list as much as a Vec on the heap"
    );
}

#[rstest]
fn a_walker_promises_to_stay_spent_by_implementing_fused_iterator(book: LogBook) {
    #[allow(unused_imports)] // needed only where the type is not fused
    use super::NotFused as _;
    let mut lines = book.iter();
    let walked: Vec<Option<&str>> = (0..5).map(|_| lines.next()).collect();
    assert_eq!(
        walked,
        [
            Some(ENTRIES[0]),
            Some(ENTRIES[1]),
            Some(ENTRIES[2]),
            None,
            None
        ],
        "five calls of next() on a 3-line book's walker gave {walked:?}: three lines, then None"
    );
    let fused =
        super::FusedProbe::<crate::iterable_vs_iterator::Lines<'static>>(std::marker::PhantomData)
            .is_fused();
    assert!(
        fused,
        "Lines does not implement std::iter::FusedIterator: a walker that returns None for \
         ever after its last line promises it with `impl FusedIterator for Lines<'_> {{}}`"
    );
}

#[rstest]
fn a_walker_promises_its_length_by_implementing_exact_size_iterator(book: LogBook) {
    #[allow(unused_imports)] // needed only where the type is not exact-size
    use super::NotExactSize as _;
    let lines = book.iter();
    assert_eq!(
        lines.count(),
        3,
        "a 3-line book's walker must yield 3 lines"
    );
    let exact = super::ExactSizeProbe::<crate::iterable_vs_iterator::Lines<'static>>(
        std::marker::PhantomData,
    )
    .is_exact_size();
    assert!(
        exact,
        "Lines does not implement std::iter::ExactSizeIterator: an inherent len() answers \
         only code that names Lines, while generic code (`I: ExactSizeIterator`, rev, zip) \
         relies on the trait; make the promise with `impl ExactSizeIterator for Lines<'_> {{}}` \
         (its len() reads your exact size_hint)"
    );
}

#[rstest]
fn a_walker_is_not_copy_so_a_walk_by_value_spends_it(book: LogBook) {
    #[allow(unused_imports)] // needed only where the type is Copy
    use super::NotCopy as _;
    let mut lines = book.iter();
    let spent = lines.by_ref().take(CAP).count();
    let copy =
        super::CopyProbe::<crate::iterable_vs_iterator::Lines<'static>>(std::marker::PhantomData)
            .is_copy();
    assert_eq!(spent, 3, "a 3-line book's walker must yield 3 lines");
    assert!(
        !copy,
        "Lines is Copy: `let lines = book.iter(); lines.count(); lines.collect()` then compiles \
         and the second pass silently walks a copy from the start, so a walker used by value is \
         never spent nor moved and the one-pass lesson turns into \"walk it as often as you \
         like\"; an iterator may be Clone (an explicit .clone()) but not Copy (std's slice and \
         range iterators are not Copy for this reason)"
    );
}

#[rstest]
fn a_walker_is_the_books_own_lines_type_not_a_std_adaptor(book: LogBook) {
    assert_eq!(
        book.iter().count(),
        3,
        "a 3-line book's walker must yield 3 lines"
    );
    let name = std::any::type_name::<crate::iterable_vs_iterator::Lines<'static>>();
    let own = module_path!()
        .split_once("::")
        .map_or("", |(krate, _)| krate)
        .to_owned()
        + "::iterable_vs_iterator::Lines";
    assert!(
        name.starts_with(&own),
        "Lines is {name}, not a type of its own: this kata builds the walker (a struct holding \
         its place in the book, with Iterator's next and size_hint, and the FusedIterator and \
         ExactSizeIterator promises); a type alias for a std adaptor writes none of it"
    );
}

#[rstest]
fn a_book_is_an_iterable_not_an_iterator_of_its_own(mut book: LogBook) {
    #[allow(unused_imports)] // needed only where the book is not an iterator
    use super::NotIterator as _;
    let walks = ((&book).into_iter().count(), book.iter().count());
    let cursors = [
        (
            "LogBook",
            super::IteratorProbe::<LogBook>(std::marker::PhantomData).is_iterator(),
        ),
        (
            "&LogBook",
            super::IteratorProbe::<&'static LogBook>(std::marker::PhantomData).is_iterator(),
        ),
        (
            "&mut LogBook",
            super::IteratorProbe::<&'static mut LogBook>(std::marker::PhantomData).is_iterator(),
        ),
    ];
    let cursor: Vec<&str> = cursors
        .iter()
        .filter(|(_, is)| *is)
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(
        walks,
        (3, 3),
        "a 3-line book must be walked as 3 lines each time"
    );
    let (walked, left) = MutWalk(&mut book).walk_mut_then_read();
    assert!(
        walked.is_none_or(|count| count == 3) && left == ENTRIES,
        "`for line in &mut book` saw {} lines and left the book holding {left:?}: a loop \
         over a borrow of the book must leave every line in the book (an IntoIterator for \
         &mut LogBook, if you write one, walks the lines in place like Vec's iter_mut); one \
         that drains the book (Vec::drain) makes the book its own spent iterator, so a second \
         walk finds it empty, the very mix-up of iterable and iterator this kata takes apart",
        walked.unwrap_or_default()
    );
    assert!(
        cursor.is_empty(),
        "{cursor:?} implements Iterator: then the book (or a borrow of it) is its own cursor, so \
         `book.next()`, `(&mut book).next()` or `for line in &mut book` drains it in place and a \
         second walk finds it empty, the very mix-up of iterable and iterator this kata takes \
         apart; the book is the iterable (IntoIterator for LogBook and for &LogBook), each walk \
         a new Lines, and none of LogBook, &LogBook, &mut LogBook is an Iterator"
    );
}

/// Walks `for line in &mut book` where `&mut LogBook` implements `IntoIterator` (the inherent
/// method, picked before the trait's), else does not walk (`None`); then reads the book back.
struct MutWalk<'a, T>(&'a mut T);

/// The answer where `&mut LogBook` has no `IntoIterator` (unused where it has one).
#[allow(dead_code)]
trait NoMutWalk {
    fn walk_mut(&mut self) -> Option<usize> {
        None
    }
}

impl<T> NoMutWalk for MutWalk<'_, T> {}

impl<T> MutWalk<'_, T>
where
    for<'b> &'b mut T: IntoIterator,
{
    #[allow(dead_code)] // unused where &mut LogBook has no IntoIterator
    fn walk_mut(&mut self) -> Option<usize> {
        let mut count = 0;
        for _ in &mut *self.0 {
            count += 1;
            if count == CAP {
                break;
            }
        }
        Some(count)
    }
}

impl MutWalk<'_, LogBook> {
    /// How many lines `for line in &mut book` saw (if it compiles), then the book's lines.
    fn walk_mut_then_read(mut self) -> (Option<usize>, Vec<String>) {
        let walked = self.walk_mut();
        (walked, self.0.iter().take(CAP).map(str::to_owned).collect())
    }
}
