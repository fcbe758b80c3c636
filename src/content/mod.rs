//! The content model: front matter, pages, the library of pages and terms. No tera here.

pub mod assets;
pub mod bodies;
pub mod check;
pub mod front_matter;
pub mod library;
pub mod page;
pub mod section;

pub use front_matter::{Date, Extra, FrontMatter};
pub use library::Library;
pub use page::{Diagnostic, Page};
