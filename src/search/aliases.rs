//! Company aliases for search: 微软 finds articles tagged Microsoft even when they only say
//! "Microsoft". Each article's company terms are indexed together with their aliases.
//!
//! `BUILT_IN` holds extra spellings (short forms such as 阿里, Taiwanese names such as 辉达);
//! the indexer adds every company of the vocabulary (`rules/companies.toml`: name ↔ Chinese
//! name) on top. Sites can add their own in `[search.aliases]`.

use std::collections::{BTreeMap, HashMap};

/// The most common companies in our sources: canonical name, then its other names.
/// Extra spellings beyond the vocabulary's name ↔ Chinese name (see the module doc).
const BUILT_IN: &[(&str, &[&str])] = &[
    ("Microsoft", &["微软"]),
    ("Nvidia", &["英伟达", "辉达"]),
    ("OpenAI", &[]),
    ("Apple", &["苹果"]),
    ("Huawei", &["华为"]),
    ("Alibaba", &["阿里巴巴", "阿里"]),
    ("Tencent", &["腾讯"]),
    ("Baidu", &["百度"]),
    ("ByteDance", &["字节跳动", "字节"]),
    ("Xiaomi", &["小米"]),
    ("Tesla", &["特斯拉"]),
    ("Google", &["谷歌", "Alphabet"]),
    ("Amazon", &["亚马逊"]),
    ("Meta", &["Facebook"]),
    ("TSMC", &["台积电"]),
    ("Samsung", &["三星"]),
    ("Intel", &["英特尔"]),
    ("AMD", &["超威"]),
    ("Qualcomm", &["高通"]),
    ("DeepSeek", &["深度求索"]),
    ("Moonshot AI", &["月之暗面", "Kimi"]),
    ("BYD", &["比亚迪"]),
];

/// Name → other names, looked up without regard to case. Every name of a group finds the
/// others: an article tagged 微软 also gets "Microsoft".
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    groups: Vec<Vec<String>>,
    by_name: HashMap<String, usize>,
}

impl Aliases {
    /// The built-in table (temporary, see the module doc).
    pub fn built_in() -> Aliases {
        let map: BTreeMap<String, Vec<String>> = BUILT_IN
            .iter()
            .map(|(n, a)| (n.to_string(), a.iter().map(|s| s.to_string()).collect()))
            .collect();
        Aliases::from_map(&map)
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

    #[test]
    fn names_find_each_other_in_any_case() {
        let a = Aliases::built_in();
        assert_eq!(a.of("microsoft").collect::<Vec<_>>(), ["微软"]);
        assert_eq!(a.of("微软").collect::<Vec<_>>(), ["Microsoft"]);
        assert_eq!(a.of("阿里").collect::<Vec<_>>(), ["Alibaba", "阿里巴巴"]);
        assert_eq!(a.of("Unknown Co").count(), 0);
    }

    #[test]
    fn a_site_alias_joins_the_known_group() {
        let mut a = Aliases::built_in();
        a.extend(&BTreeMap::from([(
            "微软".to_string(),
            vec!["MSFT".to_string()],
        )]));
        assert_eq!(a.of("msft").collect::<Vec<_>>(), ["Microsoft", "微软"]);
    }
}
