use crate::commit::*;
