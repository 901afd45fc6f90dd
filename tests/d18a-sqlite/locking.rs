use crate::locking::*;
