//! The suite's counting global allocator (see [`kata_test_support::heap`]): what a closure asks
//! of the heap on the current thread ([`peak_heap`]), and the process-wide
//! [`peak_heap_of_process`], which also sees the heap of threads the code under test starts,
//! measured inside [`alone`] (a test process of its own, so that no other test's allocations
//! are counted with it).

pub(crate) use kata_test_support::alone;
pub(crate) use kata_test_support::heap::{count_allocations, peak_heap, peak_heap_of_process};

#[global_allocator]
static COUNTING: kata_test_support::heap::Counting = kata_test_support::heap::Counting;
