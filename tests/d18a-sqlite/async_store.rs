use crate::async_store::*;
