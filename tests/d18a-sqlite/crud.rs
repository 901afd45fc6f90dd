use crate::crud::*;
