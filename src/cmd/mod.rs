//! The commands: argument handling, file walking, progress and printing. Everything below
//! (`convert`, `content`, `render`, `search`, `rules`, `tagging`) is the library they call, and
//! never imports `cli` or `cmd`.

pub mod build;
pub mod check;
pub mod convert;
pub mod init;
pub mod publish;
pub mod serve;
pub mod tag;
