use crate::injection::*;
