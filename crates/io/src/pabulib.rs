//! The pabulib `.pb` format of participatory-budgeting instances (pabulib.org): a `META` section of
//! `key;value` rows, a `PROJECTS` section (`project_id;cost;…`) and a `VOTES` section
//! (`voter_id;vote;…`, the vote a comma-separated list of project ids), each section's first row
//! its header. Read as pabutools reads it: approval ballots (`vote_type` approval or choose-1), a
//! project approved twice counts once, a decimal comma is a point, `budget` in META. Written with
//! the same sections, so that an estate's menu ballot can be solved by any pabulib tool.

use crate::csvfile::error;
use crate::IoError;
use anju_planning::menu::{decimal, parse_amount, Menu, MenuItem};

/// A read instance: the menu, and the META rows and project names as they were.
#[derive(Debug, Clone)]
pub struct Instance {
    pub menu: Menu,
    pub meta: Vec<(String, String)>,
    /// Each project's `name` column, where there is one.
    pub names: Vec<Option<String>>,
}

#[derive(PartialEq)]
enum Section {
    None,
    Meta,
    Projects,
    Votes,
}

/// Reads a `.pb` file's text; `file` names it in errors.
pub fn read(file: &str, text: &str) -> Result<Instance, IoError> {
    let mut meta = Vec::new();
    let mut items: Vec<MenuItem> = Vec::new();
    let mut names = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut ballots = Vec::new();
    let mut section = Section::None;
    // One reader over the whole file (`;`-separated, quotes as in CSV); each record knows its line.
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut lines = rdr.records().map(|r| {
        r.map(|rec| {
            let line = rec.position().map_or(0, |p| p.line() as usize);
            (
                line,
                rec.iter().map(|f| f.trim().to_string()).collect::<Vec<_>>(),
            )
        })
        .map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            error(file, line, e.to_string())
        })
    });
    let column = |header: &[String], name: &str, line: usize| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            error(
                file,
                line,
                format!("表头缺少列 {name} / the header lacks {name}"),
            )
        })
    };
    let (mut cost_at, mut name_at, mut vote_at) = (0, None, 0);
    while let Some(next) = lines.next() {
        let (line, row) = next?;
        if row.iter().all(|f| f.is_empty()) {
            continue;
        }
        let first = row[0].to_lowercase();
        if ["meta", "projects", "votes"].contains(&first.as_str()) {
            section = match first.as_str() {
                "meta" => Section::Meta,
                "projects" => Section::Projects,
                _ => Section::Votes,
            };
            let (hline, header) = lines.next().ok_or_else(|| {
                error(
                    file,
                    line,
                    format!(
                        "{} 之后应有表头 / a header row must follow {}",
                        row[0], row[0]
                    ),
                )
            })??;
            match section {
                Section::Projects => {
                    column(&header, "project_id", hline)?;
                    cost_at = column(&header, "cost", hline)?;
                    name_at = header.iter().position(|h| h == "name");
                }
                Section::Votes => {
                    vote_at = column(&header, "vote", hline)?;
                }
                _ => {}
            }
            continue;
        }
        match section {
            Section::None => {
                return Err(error(
                    file,
                    line,
                    "文件应以 META 开头 / the file must begin with META".into(),
                ))
            }
            Section::Meta => {
                if row.len() < 2 {
                    return Err(error(
                        file,
                        line,
                        "META 行应为 键;值 / a META row is key;value".into(),
                    ));
                }
                meta.push((row[0].clone(), row[1].clone()));
            }
            Section::Projects => {
                let field = |at: usize| row.get(at).map(String::as_str).unwrap_or("");
                let id = row[0].clone();
                let cost = parse_amount(field(cost_at)).ok_or_else(|| {
                    error(
                        file,
                        line,
                        format!(
                            "项目{id}的 cost 应为不小于0的数，实为“{}” / project {id}: cost must be a number, 0 or more, got {:?}",
                            field(cost_at),
                            field(cost_at)
                        ),
                    )
                })?;
                if index.insert(id.clone(), items.len()).is_some() {
                    return Err(error(
                        file,
                        line,
                        format!("项目{id}重复 / project {id} appears twice"),
                    ));
                }
                names.push(
                    name_at
                        .map(|at| field(at).to_string())
                        .filter(|n| !n.is_empty()),
                );
                items.push(MenuItem { id, cost });
            }
            Section::Votes => {
                let vote = row.get(vote_at).map(String::as_str).unwrap_or("");
                let mut ballot: Vec<usize> = Vec::new();
                for id in vote.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let &i = index.get(id).ok_or_else(|| {
                        error(
                            file,
                            line,
                            format!("投票者{}选了不存在的项目{id} / voter {} approves project {id}, which is not in PROJECTS", row[0], row[0]),
                        )
                    })?;
                    if !ballot.contains(&i) {
                        ballot.push(i);
                    }
                }
                ballots.push(ballot);
            }
        }
    }
    let get = |k: &str| {
        meta.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    match get("vote_type") {
        Some("approval") | Some("choose-1") => {}
        other => {
            return Err(error(
                file,
                1,
                format!(
                    "META 的 vote_type 应为 approval（认可投票），实为{:?} / META vote_type must be approval, got {:?}",
                    other.unwrap_or(""),
                    other.unwrap_or("")
                ),
            ))
        }
    }
    let budget = get("budget").and_then(parse_amount).ok_or_else(|| {
        error(
            file,
            1,
            "META 应有 budget（不小于0的数）/ META must give the budget, a number 0 or more".into(),
        )
    })?;
    Ok(Instance {
        menu: Menu {
            budget,
            items,
            ballots,
        },
        meta,
        names,
    })
}

/// Writes a menu as a `.pb` file: `meta` rows first (budget, vote_type, num_projects and
/// num_votes are written from the menu), the projects with their approvals and whether
/// `selected`, and one vote per ballot with `voter_ids`.
pub fn write(
    menu: &Menu,
    meta: &[(&str, String)],
    names: &[String],
    selected: &[usize],
    voter_ids: &[String],
) -> String {
    let clean = |s: &str| s.replace([';', '\n', '\r'], " ");
    let mut out = String::from("META\nkey;value\n");
    for (k, v) in meta {
        if !["budget", "vote_type", "num_projects", "num_votes"].contains(k) {
            out += &format!("{};{}\n", clean(k), clean(v));
        }
    }
    out += &format!(
        "num_projects;{}\nnum_votes;{}\nbudget;{}\nvote_type;approval\n",
        menu.items.len(),
        menu.ballots.len(),
        exact(&menu.budget)
    );
    out += "PROJECTS\nproject_id;cost;votes;name;selected\n";
    let approvals = menu.approvals();
    for (i, item) in menu.items.iter().enumerate() {
        out += &format!(
            "{};{};{};{};{}\n",
            clean(&item.id),
            exact(&item.cost),
            approvals[i],
            clean(names.get(i).map(String::as_str).unwrap_or("")),
            u8::from(selected.contains(&i))
        );
    }
    out += "VOTES\nvoter_id;vote\n";
    for (v, ballot) in menu.ballots.iter().enumerate() {
        let ids: Vec<&str> = ballot.iter().map(|&i| menu.items[i].id.as_str()).collect();
        let voter = voter_ids
            .get(v)
            .cloned()
            .unwrap_or_else(|| (v + 1).to_string());
        out += &format!("{};{}\n", clean(&voter), ids.join(","));
    }
    out
}

/// An amount as the shortest exact decimal (amounts here are whole or have a few decimals).
fn exact(a: &anju_planning::menu::Amount) -> String {
    for places in 0..=6 {
        let s = decimal(a, places);
        if parse_amount(&s).as_ref() == Some(a) {
            return s;
        }
    }
    decimal(a, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PB: &str = "META\nkey;value\ndescription;test\nnum_projects;3\nnum_votes;3\nbudget;10,5\nvote_type;approval\nPROJECTS\nproject_id;cost;votes;name\n1;6;2;Lift\n2;4,5;2;\"Roof; gutters\"\n10;3;1;Bench\nVOTES\nvoter_id;vote\nv1;1,2\nv2;1,2,2\nv3;10\n";

    #[test]
    fn reads_and_writes_back_the_same_instance() {
        let i = read("t.pb", PB).unwrap();
        assert_eq!(i.menu.items.len(), 3);
        assert_eq!(i.menu.ballots, vec![vec![0, 1], vec![0, 1], vec![2]]);
        assert_eq!(decimal(&i.menu.budget, 1), "10.5");
        assert_eq!(i.names[1].as_deref(), Some("Roof; gutters"));
        let names: Vec<String> = i
            .names
            .iter()
            .map(|n| n.clone().unwrap_or_default())
            .collect();
        let text = write(
            &i.menu,
            &[("description", "test".into())],
            &names,
            &[0],
            &[],
        );
        let again = read("again.pb", &text).unwrap();
        assert_eq!(again.menu.ballots, i.menu.ballots);
        assert_eq!(again.menu.budget, i.menu.budget);
        assert!(text.contains("2;4.5;2;Roof  gutters;0\n"), "{text}");
    }

    #[test]
    fn bad_files_name_the_line() {
        let e = read("t.pb", &PB.replace("v3;10", "v3;11"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 17") && e.contains("project 11"), "{e}");
        let e = read("t.pb", &PB.replace("2;4,5;", "2;x;"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 11") && e.contains("cost"), "{e}");
        let e = read("t.pb", &PB.replace("approval", "ordinal"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("vote_type"), "{e}");
    }
}
