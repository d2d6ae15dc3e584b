//! Menu renovation (菜单式改造, DOMAIN §6): households approve items of works from a menu with
//! costs, and a rule picks what the money available funds. This is participatory budgeting with
//! approval ballots, and the rules compute exactly what the reference implementation `pabutools`
//! (1.2.3) computes with cost satisfaction (`Cost_Sat`) and lexicographic tie-breaking by item id:
//!
//! - **greedy** (`greedy_utilitarian_welfare`): items by approvals, most first (ties by id), each
//!   funded if it still fits; an item nobody approved (or that costs nothing) comes last;
//! - **equal shares** (`method_of_equal_shares`): every household holds an equal share of the money
//!   and an item is funded when its supporters can pay for it, the item whose supporters each pay
//!   the least per yuan of its cost first; supporters short of the equal payment give all they have;
//! - completions: by **greedy** on what equal shares leaves (`completion_by_rule_combination`), or
//!   by adding one unit to every share until the result is exhaustive (`voter_budget_increment=1`).
//!
//! Money is exact rationals throughout, as in pabutools, so that ties are ties.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use std::collections::HashMap;

/// An amount of money, exact.
pub type Amount = BigRational;

/// The menu of one decision: the money available, the items and the households' approvals.
#[derive(Debug, Clone)]
pub struct Menu {
    pub budget: Amount,
    pub items: Vec<MenuItem>,
    /// One approval ballot per household: the indices of the items it approves, each once.
    pub ballots: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
pub struct MenuItem {
    /// The item's id; ties are broken by it, in lexicographic (code point) order.
    pub id: String,
    pub cost: Amount,
}

/// The rule that picks the funded items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Greedy,
    EqualShares,
}

/// What fills the money equal shares leaves unspent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    None,
    /// Greedy by approvals on what is left.
    Greedy,
    /// Equal shares again with one unit more per household, until nothing more fits.
    AddOne,
}

/// Why an item is funded or not.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// Funded by greedy at step `step` (1-based) of the approvals order.
    Greedy { step: usize },
    /// Funded by equal shares in round `round` (1-based); each supporter paid at most `share`.
    EqualShares { round: usize, share: Amount },
    /// Funded by the greedy completion, step `step` after equal shares stopped.
    Completion { step: usize },
    /// Not funded: it cost more than the `left` money when its turn came.
    DidNotFit { left: Amount },
    /// Not funded by equal shares: its supporters held only `held` of its cost.
    SupportersShort { held: Amount },
    /// Not funded: nobody approved it.
    NoSupport,
}

impl Why {
    /// The reason in words, the amounts with two decimals.
    pub fn text(&self) -> anju_domain::Text {
        use anju_domain::Text;
        match self {
            Why::Greedy { step } => Text::new(
                format!("入选：按认可票数排第{step}个放得下的项目"),
                format!("funded: the {step}. item that fit, by approvals"),
            ),
            Why::EqualShares { round, share } => Text::new(
                format!(
                    "入选：第{round}轮由支持者平摊，每户至多出{}",
                    decimal(share, 2)
                ),
                format!(
                    "funded: in round {round}, its supporters paid at most {} each",
                    decimal(share, 2)
                ),
            ),
            Why::Completion { step } => Text::new(
                format!("入选：平摊之后，按认可票数补足第{step}项"),
                format!("funded: the {step}. item added by approvals after equal shares"),
            ),
            Why::DidNotFit { left } => Text::new(
                format!("未入选：轮到它时只剩{}，不够", decimal(left, 2)),
                format!(
                    "not funded: only {} was left when its turn came",
                    decimal(left, 2)
                ),
            ),
            Why::SupportersShort { held } => Text::new(
                format!("未入选：支持者手中的份额合计只有{}，不够", decimal(held, 2)),
                format!(
                    "not funded: its supporters' shares came to only {}",
                    decimal(held, 2)
                ),
            ),
            Why::NoSupport => Text::new("未入选：没有住户选它", "not funded: nobody chose it"),
        }
    }

    pub fn funded(&self) -> bool {
        matches!(
            self,
            Why::Greedy { .. } | Why::EqualShares { .. } | Why::Completion { .. }
        )
    }
}

/// The rule's result: the funded items in the order they were chosen, and every item's reason.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub selected: Vec<usize>,
    pub approvals: Vec<usize>,
    pub why: Vec<Why>,
    /// The money the funded items cost.
    pub spent: Amount,
}

impl Menu {
    /// Each item's approvals.
    pub fn approvals(&self) -> Vec<usize> {
        let mut n = vec![0; self.items.len()];
        for b in &self.ballots {
            for &i in b {
                n[i] += 1;
            }
        }
        n
    }

    fn cost_of(&self, chosen: &[usize]) -> Amount {
        chosen
            .iter()
            .fold(Amount::zero(), |s, &i| s + &self.items[i].cost)
    }

    /// Whether no item outside `chosen` among `among` still fits in the budget.
    fn exhaustive(&self, chosen: &[usize], among: impl Iterator<Item = usize>) -> bool {
        let left = &self.budget - self.cost_of(chosen);
        let mut taken = vec![false; self.items.len()];
        for &i in chosen {
            taken[i] = true;
        }
        among
            .into_iter()
            .all(|i| taken[i] || self.items[i].cost > left)
    }
}

/// Picks the funded items of `menu` by `rule` (the completion applies to equal shares only).
pub fn solve(menu: &Menu, rule: Rule, completion: Completion) -> Outcome {
    let approvals = menu.approvals();
    let mut why: Vec<Option<Why>> = vec![None; menu.items.len()];
    let selected = match rule {
        Rule::Greedy => greedy(menu, &approvals, Vec::new(), &mut why, false),
        Rule::EqualShares => {
            let n = menu.ballots.len();
            if n == 0 {
                Vec::new()
            } else {
                let share = &menu.budget / BigInt::from(n);
                match completion {
                    Completion::None => equal_shares(menu, &share, &mut why),
                    Completion::Greedy => {
                        let chosen = equal_shares(menu, &share, &mut why);
                        if menu.exhaustive(&chosen, 0..menu.items.len()) {
                            chosen
                        } else {
                            greedy(menu, &approvals, chosen, &mut why, true)
                        }
                    }
                    Completion::AddOne => add_one(menu, share, &mut why),
                }
            }
        }
    };
    let spent = menu.cost_of(&selected);
    let why = why
        .into_iter()
        .zip(&approvals)
        .map(|(w, &a)| {
            w.unwrap_or(if a == 0 {
                Why::NoSupport
            } else {
                Why::DidNotFit {
                    left: &menu.budget - &spent,
                }
            })
        })
        .collect();
    Outcome {
        selected,
        approvals,
        why,
        spent,
    }
}

/// Greedy by approvals after `chosen`: with cost satisfaction an item's satisfaction per yuan is
/// its approvals (0 for an item that costs nothing, whose satisfaction is its cost); ties by id.
fn greedy(
    menu: &Menu,
    approvals: &[usize],
    mut chosen: Vec<usize>,
    why: &mut [Option<Why>],
    completing: bool,
) -> Vec<usize> {
    let density = |i: usize| {
        if menu.items[i].cost.is_positive() {
            approvals[i]
        } else {
            0
        }
    };
    let mut order: Vec<usize> = (0..menu.items.len())
        .filter(|i| !chosen.contains(i))
        .collect();
    order.sort_by(|&a, &b| {
        density(b)
            .cmp(&density(a))
            .then_with(|| menu.items[a].id.cmp(&menu.items[b].id))
    });
    let mut left = &menu.budget - menu.cost_of(&chosen);
    let mut step = 0;
    for i in order {
        let cost = &menu.items[i].cost;
        if *cost <= left {
            left -= cost;
            step += 1;
            chosen.push(i);
            why[i] = Some(if completing {
                Why::Completion { step }
            } else {
                Why::Greedy { step }
            });
        } else if approvals[i] > 0 {
            why[i] = Some(Why::DidNotFit { left: left.clone() });
        }
    }
    chosen
}

/// Equal shares with one unit more per household each time until the result is exhaustive among
/// the items anyone approved, keeping the last result that stayed within the budget.
fn add_one(menu: &Menu, mut share: Amount, why: &mut Vec<Option<Why>>) -> Vec<usize> {
    let approvals = menu.approvals();
    let supported =
        || (0..menu.items.len()).filter(|&i| approvals[i] > 0 && menu.items[i].cost.is_positive());
    let mut previous = (Vec::new(), vec![None; menu.items.len()]);
    loop {
        let mut w = vec![None; menu.items.len()];
        let chosen = equal_shares(menu, &share, &mut w);
        if menu.cost_of(&chosen) > menu.budget {
            *why = previous.1;
            return previous.0;
        }
        if menu.exhaustive(&chosen, supported()) {
            *why = w;
            return chosen;
        }
        share += Amount::from_integer(BigInt::from(1));
        previous = (chosen, w);
    }
}

/// The method of equal shares as pabutools computes it for approval ballots and cost satisfaction.
///
/// Households with equal money left behave alike, so they are kept as classes of equal money: an
/// item's supporters are counted per class, and the classes are walked from the poorest, each
/// class paying all it has until the rest can share the remainder equally. That is pabutools'
/// walk over single supporters, one class at a time (a class that cannot pay the equal share
/// cannot either when one of its members has paid all it had).
///
/// The arithmetic is exact but kept in integers: every amount is scaled by `scale` (so that costs
/// and the first share are whole) and the classes' money is numerators over one common
/// denominator `denom`, so that sums and comparisons need no reduction of fractions; only the
/// price of the item chosen in a round is a reduced fraction (the results are those of rational
/// arithmetic, since scaling every amount alike changes no comparison).
fn equal_shares(menu: &Menu, share: &Amount, why: &mut [Option<Why>]) -> Vec<usize> {
    let n_items = menu.items.len();
    let mut supporters: Vec<Vec<u32>> = vec![Vec::new(); n_items];
    for (v, b) in menu.ballots.iter().enumerate() {
        for &i in b {
            supporters[i].push(v as u32);
        }
    }
    let scale = menu
        .items
        .iter()
        .map(|i| i.cost.denom())
        .chain([share.denom()])
        .fold(BigInt::one(), |l, d| l.lcm(d));
    let scaled = |a: &Amount| (a * &scale).to_integer();
    let cost: Vec<BigInt> = menu.items.iter().map(|i| scaled(&i.cost)).collect();
    // Classes of equal money: numerators over `denom`, and each household's class.
    let mut denom = BigInt::one();
    let mut values: Vec<BigInt> = vec![scaled(share)];
    let mut class_of: Vec<u32> = vec![0; menu.ballots.len()];
    let unscale = |n: BigInt, denom: &BigInt| Amount::new(n, denom * &scale);

    let mut remaining: Vec<usize> = (0..n_items)
        .filter(|&i| !supporters[i].is_empty() && menu.items[i].cost.is_positive())
        .collect();
    // The lowest price per unit of satisfaction each item could have; it only rises as money is
    // spent, so an item whose last price is above the best of the round need not be priced again.
    let mut afford: Vec<Amount> = (0..n_items)
        .map(|i| Amount::new(BigInt::one(), BigInt::from(supporters[i].len().max(1))))
        .collect();
    let mut chosen = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    let mut round = 0;
    loop {
        round += 1;
        remaining.sort_by(|&a, &b| afford[a].cmp(&afford[b]));
        let mut best: Option<Amount> = None;
        let mut tied: Vec<usize> = Vec::new();
        let mut short: Vec<(usize, Amount)> = Vec::new();
        for &p in &remaining {
            // The supporters per class of money.
            counts.clear();
            counts.resize(values.len(), 0);
            for &v in &supporters[p] {
                counts[class_of[v as usize] as usize] += 1;
            }
            let mut classes: Vec<(usize, u32)> = counts
                .iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(|(k, &c)| (k, c))
                .collect();
            let held: BigInt = classes.iter().map(|&(k, c)| &values[k] * c).sum();
            let need = &cost[p] * &denom;
            if held < need {
                short.push((p, unscale(held, &denom)));
                continue;
            }
            if best.as_ref().is_some_and(|b| afford[p] > *b) {
                break;
            }
            classes.sort_by(|a, b| values[a.0].cmp(&values[b.0]));
            // pabutools: factor = (cost − paid) / (cost × supporters left), affordable by the
            // next supporter when factor × cost ≤ its money; here in numerators over `denom`.
            let mut paid = BigInt::zero();
            let mut left = supporters[p].len() as u64;
            for (k, c) in classes {
                let rest = &need - &paid;
                if rest <= &values[k] * left {
                    let factor = Amount::new(rest, &denom * &cost[p] * left);
                    match &best {
                        Some(b) if factor > *b => {}
                        Some(b) if factor == *b => tied.push(p),
                        _ => {
                            best = Some(factor.clone());
                            tied = vec![p];
                        }
                    }
                    afford[p] = factor;
                    break;
                }
                paid += &values[k] * c;
                left -= u64::from(c);
            }
        }
        for (p, held) in short {
            remaining.retain(|&q| q != p);
            why[p] = Some(Why::SupportersShort { held });
        }
        let Some(best) = best else {
            return chosen;
        };
        let p = *tied
            .iter()
            .min_by(|&&a, &&b| menu.items[a].id.cmp(&menu.items[b].id))
            .expect("a best price has an item");
        remaining.retain(|&q| q != p);
        chosen.push(p);
        why[p] = Some(Why::EqualShares {
            round,
            share: &best * &menu.items[p].cost,
        });
        // Each supporter pays the equal payment, or all it has if that is less: the payment in
        // numerators over `denom`, with `denom` widened to keep every numerator whole.
        let payment = Amount::new(best.numer() * &cost[p] * &denom, best.denom().clone());
        let widen = payment.denom().clone();
        if !widen.is_one() {
            denom *= &widen;
            for v in &mut values {
                *v *= &widen;
            }
        }
        let payment = payment.numer();
        let mut moved: HashMap<u32, u32> = HashMap::new();
        let mut interned: HashMap<BigInt, u32> = values
            .iter()
            .enumerate()
            .map(|(k, v)| (v.clone(), k as u32))
            .collect();
        for &v in &supporters[p] {
            let old = class_of[v as usize];
            let new = *moved.entry(old).or_insert_with(|| {
                let have = &values[old as usize];
                let after = if have <= payment {
                    BigInt::zero()
                } else {
                    have - payment
                };
                *interned.entry(after.clone()).or_insert_with(|| {
                    values.push(after);
                    (values.len() - 1) as u32
                })
            });
            class_of[v as usize] = new;
        }
    }
}

/// Reads a non-negative decimal ("1234", "1234.5"; a decimal comma is read as a point) exactly.
pub fn parse_amount(s: &str) -> Option<Amount> {
    let s = s.trim().replace(',', ".");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits: BigInt = format!("0{int}{frac}").parse().ok()?;
    Some(Amount::new(digits, BigInt::from(10).pow(frac.len() as u32)))
}

/// Fen as yuan, exactly (menus held in anju count in fen; the rules' reasons read in yuan).
pub fn yuan_of_fen(fen: i64) -> Amount {
    Amount::new(BigInt::from(fen), BigInt::from(100))
}

/// Yuan as fen, rounded half away from zero.
pub fn fen_of_yuan(a: &Amount) -> i64 {
    decimal(a, 2).replace('.', "").parse().unwrap_or(i64::MAX)
}

/// A whole number of units (yuan, fen) as an amount.
pub fn whole(n: i64) -> Amount {
    Amount::from_integer(BigInt::from(n))
}

/// An exact amount as a decimal with `places` decimals, rounded half away from zero.
pub fn decimal(a: &Amount, places: u32) -> String {
    let scale = BigInt::from(10).pow(places);
    let scaled = (a * Amount::from_integer(scale.clone()))
        .round()
        .to_integer();
    let (sign, abs) = if scaled.is_negative() {
        ("-", -scaled)
    } else {
        ("", scaled)
    };
    if places == 0 {
        return format!("{sign}{abs}");
    }
    let whole = &abs / &scale;
    let frac = &abs % &scale;
    format!(
        "{sign}{whole}.{:0>width$}",
        frac.to_string(),
        width = places as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::whole as int;

    fn menu(budget: i64, costs: &[(&str, i64)], ballots: &[&[usize]]) -> Menu {
        Menu {
            budget: int(budget),
            items: costs
                .iter()
                .map(|&(id, c)| MenuItem {
                    id: id.into(),
                    cost: int(c),
                })
                .collect(),
            ballots: ballots.iter().map(|b| b.to_vec()).collect(),
        }
    }

    fn ids(m: &Menu, o: &Outcome) -> Vec<String> {
        o.selected.iter().map(|&i| m.items[i].id.clone()).collect()
    }

    #[test]
    fn greedy_funds_by_approvals_and_skips_what_does_not_fit() {
        let m = menu(
            10,
            &[("a", 6), ("b", 5), ("c", 4), ("d", 1)],
            &[&[0, 1], &[0, 1], &[0, 2], &[1, 2, 3]],
        );
        let o = solve(&m, Rule::Greedy, Completion::None);
        // a (3 approvals) and b (3) tie: a by id; b then does not fit; c fits; d fits.
        assert_eq!(ids(&m, &o), ["a", "c"]);
        assert_eq!(o.why[1], Why::DidNotFit { left: int(4) });
        assert_eq!(o.spent, int(10));
    }

    #[test]
    fn equal_shares_gives_a_minority_its_share() {
        // 3 households want a (cost 6), 1 wants b (cost 3); budget 8, 2 each.
        // Greedy takes a, then b does not fit in 2; equal shares: a costs 2 per supporter (all
        // they have), b's one supporter holds only 2 of 3.
        let m = menu(8, &[("a", 6), ("b", 3)], &[&[0], &[0], &[0], &[1]]);
        let o = solve(&m, Rule::EqualShares, Completion::None);
        assert_eq!(ids(&m, &o), ["a"]);
        assert_eq!(o.why[1], Why::SupportersShort { held: int(2) });
        // A cheaper b is within its supporter's share and is funded.
        let m = menu(8, &[("a", 6), ("b", 2)], &[&[0], &[0], &[0], &[1]]);
        let o = solve(&m, Rule::EqualShares, Completion::None);
        assert_eq!(ids(&m, &o), ["a", "b"]);
        assert_eq!(
            o.why[1],
            Why::EqualShares {
                round: 2,
                share: int(2)
            }
        );
    }

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(
            parse_amount("1234,50"),
            Some(Amount::new(2469.into(), 2.into()))
        );
        assert_eq!(parse_amount(" 7 "), Some(int(7)));
        assert_eq!(parse_amount(".5"), Some(Amount::new(1.into(), 2.into())));
        for bad in ["", "-1", "1e3", "1.2.3", "abc"] {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimals_round_half_away_from_zero() {
        assert_eq!(decimal(&Amount::new(5.into(), 2.into()), 0), "3");
        assert_eq!(decimal(&Amount::new(1.into(), 3.into()), 2), "0.33");
        assert_eq!(decimal(&Amount::new((-1).into(), 8.into()), 2), "-0.13");
    }
}
