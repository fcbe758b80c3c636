//! The content model: front matter, pages, the library of pages and terms. No tera here.

pub mod front_matter;

pub use front_matter::{Date, Extra, FrontMatter};
