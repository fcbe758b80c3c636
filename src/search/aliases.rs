//! Company aliases for search: 微软 finds articles tagged Microsoft even when they only say
//! "Microsoft". Each article's company terms are indexed together with their aliases.
//!
//! The names come from data, not code: every company of the vocabulary (`rules/companies.toml`:
//! its name, Chinese name and `aliases`), then the site's `[search.aliases]`.

use std::collections::{BTreeMap, HashMap};

/// Name → other names, looked up without regard to case. Every name of a group finds the
/// others: an article tagged 微软 also gets "Microsoft".
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    groups: Vec<Vec<String>>,
    by_name: HashMap<String, usize>,
}

/// Aliases are what their groups say (`by_name` is made from them): the key the search
/// cache checks.
impl std::hash::Hash for Aliases {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.groups.hash(h);
    }
}

impl Aliases {
    /// Every company of `vocab`: its name, Chinese name and aliases find each other.
    pub fn from_vocabulary(vocab: &crate::tagging::Vocabulary) -> Aliases {
        let names: BTreeMap<String, Vec<String>> = vocab
            .companies
            .iter()
            .map(|c| {
                let others = c.zh.iter().chain(&c.aliases).cloned().collect();
                (c.name.clone(), others)
            })
            .collect();
        Aliases::from_map(&names)
    }

    /// The hook for the company vocabulary: `canonical name → aliases`.
    pub fn from_map(map: &BTreeMap<String, Vec<String>>) -> Aliases {
        let mut a = Aliases::default();
        a.extend(map);
        a
    }

    /// Adds groups; a name already known joins its group.
    pub fn extend(&mut self, map: &BTreeMap<String, Vec<String>>) {
        for (name, aliases) in map {
            let names: Vec<&String> = std::iter::once(name).chain(aliases).collect();
            let group = names
                .iter()
                .find_map(|n| self.by_name.get(&n.to_lowercase()).copied())
                .unwrap_or_else(|| {
                    self.groups.push(Vec::new());
                    self.groups.len() - 1
                });
            for n in names {
                let k = n.trim().to_lowercase();
                if k.is_empty() || self.by_name.contains_key(&k) {
                    continue;
                }
                self.by_name.insert(k, group);
                self.groups[group].push(n.trim().to_string());
            }
        }
    }

    /// The other names of `name` (empty when unknown).
    pub fn of(&self, name: &str) -> impl Iterator<Item = &str> {
        let key = name.trim().to_lowercase();
        self.by_name
            .get(&key)
            .into_iter()
            .flat_map(|&g| self.groups[g].iter())
            .filter(move |n| n.to_lowercase() != key)
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> crate::tagging::Vocabulary {
        crate::tagging::Vocabulary::defaults().unwrap()
    }

    #[test]
    fn names_find_each_other_in_any_case() {
        let a = Aliases::from_vocabulary(&vocab());
        assert!(a.of("microsoft").any(|n| n == "微软"));
        assert!(a.of("微软").any(|n| n == "Microsoft"));
        assert!(a.of("阿里").any(|n| n == "Alibaba"));
        assert!(a.of("阿里").any(|n| n == "阿里巴巴"));
        assert_eq!(a.of("Unknown Co").count(), 0);
    }

    #[test]
    fn a_site_alias_joins_the_known_group() {
        let mut a = Aliases::from_vocabulary(&vocab());
        a.extend(&BTreeMap::from([(
            "微软".to_string(),
            vec!["Microsoft Azure Team".to_string()],
        )]));
        assert!(a.of("microsoft azure team").any(|n| n == "Microsoft"));
        assert!(a.of("msft").any(|n| n == "微软"));
    }
}
