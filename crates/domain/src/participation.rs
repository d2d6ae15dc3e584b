//! Residents' part beyond consultations and votes (DOMAIN §6, "发展共建、建设共管、效果共评"):
//! what they contribute (居民出资) and the minimum it is checked against, the public notices
//! (公示, 五牌一图), the satisfaction survey after completion (满意度调查), and deliberation
//! (沟通议事): proposals, comments and meetings.

use crate::quantity::{Area, Money};

keyed_enum! {
    /// How a household contributes (seed 方案3): money, its maintenance fund, its provident fund,
    /// the estate's public income it cedes, or labour valued in money.
    ContributionKind {
        Money => "money", "直接出资", "money";
        MaintenanceFund => "maintenance_fund", "住宅专项维修资金", "maintenance fund";
        ProvidentFund => "provident_fund", "住房公积金", "housing provident fund";
        PublicIncome => "public_income", "让渡公共收益", "ceded public income";
        Labour => "labour", "投工投劳（折价）", "labour, valued";
    }
}

impl ContributionKind {
    /// The key, or the Chinese a sheet or a form writes (出资, 维修资金, 公积金, 公共收益, 投劳).
    pub fn parse(s: &str) -> Option<ContributionKind> {
        let t = s.trim();
        ContributionKind::from_key(t).or_else(|| {
            [
                ("出资", ContributionKind::Money),
                ("维修资金", ContributionKind::MaintenanceFund),
                ("公积金", ContributionKind::ProvidentFund),
                ("公共收益", ContributionKind::PublicIncome),
                ("投劳", ContributionKind::Labour),
                ("投工", ContributionKind::Labour),
            ]
            .into_iter()
            .find(|(w, _)| t.contains(w))
            .map(|(_, k)| k)
        })
    }
}

/// An estate's contributions against the minimum: at least `min_yuan_per_m2` yuan for every m²
/// of its floor area. The required sum is exact: hundredths of m² times yuan per m² are fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ContributionCheck {
    pub floor_area: Area,
    pub min_yuan_per_m2: i64,
    pub required: Money,
    pub collected: Money,
}

impl ContributionCheck {
    pub fn new(floor_area: Area, min_yuan_per_m2: i64, collected: Money) -> ContributionCheck {
        ContributionCheck {
            floor_area,
            min_yuan_per_m2,
            required: Money::from_fen(floor_area.centi_m2() * min_yuan_per_m2),
            collected,
        }
    }

    /// "不低于": exactly the minimum meets it.
    pub fn met(&self) -> bool {
        self.collected >= self.required
    }

    /// What is still missing (zero once met).
    pub fn short(&self) -> Money {
        Money::from_fen((self.required.fen() - self.collected.fen()).max(0))
    }
}

keyed_enum! {
    /// A household's rating of the finished renovation.
    Satisfaction {
        Satisfied => "satisfied", "满意", "satisfied";
        Basically => "basically_satisfied", "基本满意", "basically satisfied";
        Dissatisfied => "dissatisfied", "不满意", "dissatisfied";
    }
}

impl Satisfaction {
    /// The key, or 满意/基本满意/不满意.
    pub fn parse(s: &str) -> Option<Satisfaction> {
        let t = s.trim();
        Satisfaction::from_key(t).or_else(|| {
            Satisfaction::ALL
                .iter()
                .copied()
                .find(|k| k.label().zh == t)
        })
    }
}

/// The answers of a survey, or of all surveys of a division: the satisfaction rate is the share
/// of satisfied and basically satisfied among the answers (the usual 满意度).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SatisfactionCount {
    pub households: i64,
    pub answered: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub dissatisfied: i64,
}

impl SatisfactionCount {
    pub fn add(&mut self, s: Satisfaction) {
        self.answered += 1;
        match s {
            Satisfaction::Satisfied => self.satisfied += 1,
            Satisfaction::Basically => self.basically_satisfied += 1,
            Satisfaction::Dissatisfied => self.dissatisfied += 1,
        }
    }

    pub fn merge(&mut self, o: &SatisfactionCount) {
        self.households += o.households;
        self.answered += o.answered;
        self.satisfied += o.satisfied;
        self.basically_satisfied += o.basically_satisfied;
        self.dissatisfied += o.dissatisfied;
    }

    /// (satisfied + basically satisfied) ÷ answered, in percent; `None` before any answer.
    pub fn satisfaction_pct(&self) -> Option<f64> {
        (self.answered > 0).then(|| {
            100.0 * (self.satisfied + self.basically_satisfied) as f64 / self.answered as f64
        })
    }

    /// answered ÷ households, in percent.
    pub fn response_pct(&self) -> Option<f64> {
        (self.households > 0).then(|| 100.0 * self.answered as f64 / self.households as f64)
    }
}

keyed_enum! {
    /// What a public notice (公示) shows residents.
    NoticeKind {
        Scheme => "scheme", "改造方案", "renovation scheme";
        Design => "design", "设计方案", "design";
        RenovationList => "renovation_list", "改造内容清单", "renovation list";
        Budget => "budget", "资金预算及筹措", "budget and funding";
        WorksBoard => "works_board", "五牌一图", "works boards (five boards, one drawing)";
        Other => "other", "其他公示", "other notice";
    }
}

keyed_enum! {
    /// A residents' meeting (seeds 方案1–5): the council, the courtyard meeting, the four-party
    /// coordination (party organisation, residents' committee, owners' committee, property
    /// service), or the owners' assembly.
    MeetingKind {
        Council => "council", "居民议事会", "residents' council";
        Courtyard => "courtyard", "坝坝会", "courtyard meeting";
        FourParty => "four_party", "四位一体联席会", "four-party coordination";
        OwnersAssembly => "owners_assembly", "业主大会", "owners' assembly";
    }
}

keyed_enum! {
    /// What a post on an estate's deliberation board is.
    PostKind {
        Proposal => "proposal", "建议", "proposal";
        Comment => "comment", "评论", "comment";
    }
}

/// The longest post or minutes anju keeps (characters): long enough for a real proposal, short
/// enough that a board stays readable.
pub const MAX_POST_CHARS: usize = 2000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_is_exact_and_inclusive() {
        // 8,888.88 m² at 1 yuan/m² is 8,888.88 yuan, to the fen.
        let area = Area::from_centi_m2(888_888);
        let c = ContributionCheck::new(area, 1, Money::from_fen(888_888));
        assert_eq!(c.required, Money::from_fen(888_888));
        assert!(c.met());
        assert_eq!(c.short(), Money::ZERO);
        let c = ContributionCheck::new(area, 1, Money::from_fen(888_887));
        assert!(!c.met());
        assert_eq!(c.short(), Money::from_fen(1));
        let c = ContributionCheck::new(area, 3, Money::ZERO);
        assert_eq!(c.required.yuan_text(), "26666.64");
    }

    #[test]
    fn kinds_read_as_people_write_them() {
        assert_eq!(
            ContributionKind::parse("住宅专项维修资金"),
            Some(ContributionKind::MaintenanceFund)
        );
        assert_eq!(
            ContributionKind::parse("提取公积金"),
            Some(ContributionKind::ProvidentFund)
        );
        assert_eq!(
            ContributionKind::parse("labour"),
            Some(ContributionKind::Labour)
        );
        assert_eq!(ContributionKind::parse("捐款"), None);
        assert_eq!(
            Satisfaction::parse("基本满意"),
            Some(Satisfaction::Basically)
        );
        assert_eq!(Satisfaction::parse("满意"), Some(Satisfaction::Satisfied));
    }

    #[test]
    fn satisfaction_counts_the_satisfied_and_basically_satisfied() {
        let mut c = SatisfactionCount {
            households: 10,
            ..Default::default()
        };
        assert_eq!(c.satisfaction_pct(), None);
        for s in [
            Satisfaction::Satisfied,
            Satisfaction::Basically,
            Satisfaction::Dissatisfied,
            Satisfaction::Satisfied,
        ] {
            c.add(s);
        }
        assert_eq!(c.satisfaction_pct(), Some(75.0));
        assert_eq!(c.response_pct(), Some(40.0));
    }
}
