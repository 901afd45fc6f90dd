//! The suite's counting global allocator: [`kata_test_support::heap`] measures what a closure
//! asks of the heap on the current thread.

#[global_allocator]
static COUNTING: kata_test_support::heap::Counting = kata_test_support::heap::Counting;

pub(crate) use kata_test_support::heap::peak_heap;
