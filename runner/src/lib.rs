pub mod interrupt;
pub mod learn;
