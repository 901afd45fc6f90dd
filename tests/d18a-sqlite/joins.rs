use crate::joins::*;
