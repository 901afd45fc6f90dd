use crate::dates::*;
