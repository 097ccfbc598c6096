//! See `tests/aws_config.rs`.
