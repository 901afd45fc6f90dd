use crate::bank::*;
