pub mod interrupt;
pub mod learn;
pub mod pristine;
