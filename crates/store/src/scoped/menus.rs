//! Menu renovation (菜单式改造) through the scoped door: staff put a menu of works with costs and
//! the money available to an estate's households; each household approves the items it wants
//! (online through its own door, or on paper entered by staff), one ballot per owner that a later
//! one replaces while the menu is open; closing funds items by the menu's rule
//! (`anju_planning::menu`, as pabutools computes it) and freezes the outcome with every item's
//! reason.

use super::residents::household_of;
use super::Scoped;
use crate::audit::{audit_one, WriteCtx};
use crate::entity::{menu, menu_ballot, menu_item};
use crate::{Result, Store, StoreError};
use anju_domain::quantity::Money;
use anju_domain::residents::Channel;
use anju_domain::Text;
use anju_planning::menu::{self as rules, Amount, Completion, Rule};
use sea_orm::sea_query::OnConflict;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

/// The rule's key as stored and as the API takes it.
pub fn rule_key(r: Rule) -> &'static str {
    match r {
        Rule::Greedy => "greedy",
        Rule::EqualShares => "mes",
    }
}

pub fn rule_from_key(k: &str) -> Option<Rule> {
    match k.trim() {
        "greedy" => Some(Rule::Greedy),
        "mes" | "equal_shares" => Some(Rule::EqualShares),
        _ => None,
    }
}

pub fn completion_key(c: Completion) -> &'static str {
    match c {
        Completion::None => "none",
        Completion::Greedy => "greedy",
        Completion::AddOne => "add1",
    }
}

pub fn completion_from_key(k: &str) -> Option<Completion> {
    match k.trim() {
        "" | "none" => Some(Completion::None),
        "greedy" => Some(Completion::Greedy),
        "add1" => Some(Completion::AddOne),
        _ => None,
    }
}

/// What staff give to open a menu.
#[derive(Debug, Clone)]
pub struct NewMenu {
    pub title: String,
    pub budget: Money,
    pub rule: Rule,
    pub completion: Completion,
    /// (code, name, cost): the code is the item's id in the menu (a catalogue code, say).
    pub items: Vec<(String, String, Money)>,
}

/// A menu item as a page shows it; approvals and the reason once the menu is closed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MenuItemView {
    pub code: String,
    pub name: String,
    pub cost: Money,
    pub approvals: Option<usize>,
    pub funded: Option<bool>,
    pub why: Option<Text>,
}

/// A menu with its items, and its outcome once closed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MenuView {
    pub id: i64,
    pub estate_id: i64,
    pub title: String,
    pub budget: Money,
    pub rule: String,
    pub completion: String,
    pub state: String,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub ballots: u64,
    pub items: Vec<MenuItemView>,
    /// The funded items' codes in the order the rule chose them (closed menus only).
    pub selected: Option<Vec<String>>,
    pub spent: Option<Money>,
}

/// What closing froze.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Frozen {
    selected: Vec<String>,
    spent_fen: i64,
    voters: usize,
    items: Vec<FrozenItem>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct FrozenItem {
    code: String,
    approvals: usize,
    funded: bool,
    why: Text,
}

fn yuan(m: Money) -> Amount {
    rules::yuan_of_fen(m.fen())
}

/// A menu's items and ballots as the rules take them, with each ballot's owner.
pub struct MenuBallots {
    pub menu: rules::Menu,
    pub names: Vec<String>,
    pub owners: Vec<i64>,
    pub rule: Rule,
    pub completion: Completion,
}

async fn menu_ballots(db: &impl sea_orm::ConnectionTrait, m: &menu::Model) -> Result<MenuBallots> {
    let items = items_of(db, m.id).await?;
    let index: std::collections::HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.code.as_str(), i))
        .collect();
    let mut ballots = Vec::new();
    let mut owners = Vec::new();
    for b in menu_ballot::Entity::find()
        .filter(menu_ballot::Column::MenuId.eq(m.id))
        .order_by_asc(menu_ballot::Column::OwnerId)
        .all(db)
        .await?
    {
        ballots.push(
            b.items
                .split(',')
                .filter_map(|c| index.get(c).copied())
                .collect(),
        );
        owners.push(b.owner_id);
    }
    Ok(MenuBallots {
        menu: rules::Menu {
            budget: yuan(Money::from_fen(m.budget_fen)),
            items: items
                .iter()
                .map(|it| rules::MenuItem {
                    id: it.code.clone(),
                    cost: yuan(Money::from_fen(it.cost_fen)),
                })
                .collect(),
            ballots,
        },
        names: items.iter().map(|it| it.name.clone()).collect(),
        owners,
        rule: rule_from_key(&m.rule).unwrap_or(Rule::Greedy),
        completion: completion_from_key(&m.completion).unwrap_or(Completion::None),
    })
}

async fn items_of(
    db: &impl sea_orm::ConnectionTrait,
    menu_id: i64,
) -> Result<Vec<menu_item::Model>> {
    Ok(menu_item::Entity::find()
        .filter(menu_item::Column::MenuId.eq(menu_id))
        .order_by_asc(menu_item::Column::Id)
        .all(db)
        .await?)
}

async fn menu_view(store: &Store, m: menu::Model) -> Result<MenuView> {
    let items = items_of(&store.db, m.id).await?;
    let ballots = menu_ballot::Entity::find()
        .filter(menu_ballot::Column::MenuId.eq(m.id))
        .count(&store.db)
        .await?;
    let frozen: Option<Frozen> = m
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok());
    let items = items
        .into_iter()
        .map(|it| {
            let f = frozen
                .as_ref()
                .and_then(|f| f.items.iter().find(|x| x.code == it.code));
            MenuItemView {
                approvals: f.map(|f| f.approvals),
                funded: f.map(|f| f.funded),
                why: f.map(|f| f.why.clone()),
                code: it.code,
                name: it.name,
                cost: Money::from_fen(it.cost_fen),
            }
        })
        .collect();
    Ok(MenuView {
        id: m.id,
        estate_id: m.estate_id,
        title: m.title,
        budget: Money::from_fen(m.budget_fen),
        rule: m.rule,
        completion: m.completion,
        state: m.state,
        opened_at: m.opened_at,
        closed_at: m.closed_at,
        ballots,
        items,
        selected: frozen.as_ref().map(|f| f.selected.clone()),
        spent: frozen.map(|f| Money::from_fen(f.spent_fen)),
    })
}

impl Scoped {
    /// Opens a menu on an estate of the scope: at least one item, codes unique and non-empty,
    /// costs and the budget positive.
    pub async fn open_menu(&self, estate_id: i64, m: &NewMenu, ctx: &WriteCtx) -> Result<i64> {
        let e = self.estate_in_scope(estate_id).await?;
        if m.title.trim().is_empty() {
            return Err(StoreError::Invalid(
                "请填写菜单名称 / the menu needs a title".into(),
            ));
        }
        if m.budget.fen() <= 0 {
            return Err(StoreError::Invalid(
                "可用资金应大于0 / the money available must be more than 0".into(),
            ));
        }
        if m.items.is_empty() {
            return Err(StoreError::Invalid(
                "菜单至少要有一项 / a menu needs at least one item".into(),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (n, (code, name, cost)) in m.items.iter().enumerate() {
            let line = n + 1;
            if code.trim().is_empty() || code.contains([',', ';']) || name.trim().is_empty() {
                return Err(StoreError::Invalid(format!(
                    "第{line}项：需要编号（不含逗号、分号）和名称 / item {line}: needs a code (without commas or semicolons) and a name"
                )));
            }
            if !seen.insert(code.trim()) {
                return Err(StoreError::Invalid(format!(
                    "第{line}项：编号“{code}”重复 / item {line}: the code {code:?} is repeated"
                )));
            }
            if cost.fen() <= 0 {
                return Err(StoreError::Invalid(format!(
                    "第{line}项“{name}”：费用应大于0 / item {line} ({name}): the cost must be more than 0"
                )));
            }
        }
        let txn = self.store.begin_write().await?;
        let id = menu::Entity::insert(menu::ActiveModel {
            id: NotSet,
            estate_id: Set(estate_id),
            title: Set(m.title.trim().into()),
            budget_fen: Set(m.budget.fen()),
            rule: Set(rule_key(m.rule).into()),
            completion: Set(completion_key(m.completion).into()),
            state: Set("open".into()),
            opened_at: Set(chrono::Utc::now()),
            closed_at: Set(None),
            result: Set(None),
            created_by: Set(ctx.actor.clone()),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        menu_item::Entity::insert_many(m.items.iter().map(|(code, name, cost)| {
            menu_item::ActiveModel {
                id: NotSet,
                menu_id: Set(id),
                code: Set(code.trim().into()),
                name: Set(name.trim().into()),
                cost_fen: Set(cost.fen()),
            }
        }))
        .exec(&txn)
        .await?;
        audit_one(
            &txn,
            ctx,
            "open",
            "menu",
            id,
            &e.division_code,
            Some(m.title.clone()),
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    async fn menu_in_scope(&self, id: i64) -> Result<(menu::Model, crate::entity::estate::Model)> {
        let m = menu::Entity::find_by_id(id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("menu {id}")))?;
        let e = self.estate_of(m.estate_id, || format!("menu {id}")).await?;
        Ok((m, e))
    }

    /// A menu of the scope.
    pub async fn menu(&self, id: i64) -> Result<MenuView> {
        let (m, _) = self.menu_in_scope(id).await?;
        menu_view(&self.store, m).await
    }

    /// The menus of an estate of the scope, latest first.
    pub async fn menus(&self, estate_id: i64) -> Result<Vec<MenuView>> {
        self.estate_in_scope(estate_id).await?;
        menus_of(&self.store, estate_id).await
    }

    /// Households' paper ballots, entered by staff: each replaces the household's earlier one
    /// while the menu is open; all or none.
    pub async fn enter_menu_ballots(
        &self,
        menu_id: i64,
        ballots: &[(i64, Vec<String>)],
        ctx: &WriteCtx,
    ) -> Result<()> {
        let (m, _) = self.menu_in_scope(menu_id).await?;
        approve(&self.store, &m, ballots, Channel::Paper, &ctx.actor).await
    }

    /// Closes a menu: the rule picks the funded items from the ballots as they stand, and the
    /// outcome is frozen with every item's approvals and reason.
    pub async fn close_menu(&self, menu_id: i64, ctx: &WriteCtx) -> Result<MenuView> {
        let (_, e) = self.menu_in_scope(menu_id).await?;
        let txn = self.store.begin_write().await?;
        // Taken under the write lock: a ballot racing the close is either in or refused.
        let m = menu::Entity::find_by_id(menu_id)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("menu {menu_id}")))?;
        if m.state != "open" {
            return Err(StoreError::Conflict(
                "菜单投票已结束 / the menu is already closed".into(),
            ));
        }
        let b = menu_ballots(&txn, &m).await?;
        let out = rules::solve(&b.menu, b.rule, b.completion);
        let frozen = Frozen {
            selected: out
                .selected
                .iter()
                .map(|&i| b.menu.items[i].id.clone())
                .collect(),
            spent_fen: rules::fen_of_yuan(&out.spent),
            voters: b.menu.ballots.len(),
            items: b
                .menu
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| FrozenItem {
                    code: it.id.clone(),
                    approvals: out.approvals[i],
                    funded: out.why[i].funded(),
                    why: out.why[i].text(),
                })
                .collect(),
        };
        let result = serde_json::to_string(&frozen).unwrap_or_default();
        menu::Entity::update(menu::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(menu_id),
            state: Set("closed".into()),
            closed_at: Set(Some(chrono::Utc::now())),
            result: Set(Some(result)),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        audit_one(
            &txn,
            ctx,
            "close",
            "menu",
            menu_id,
            &e.division_code,
            Some(frozen.selected.join(",")),
        )
        .await?;
        txn.commit().await?;
        self.menu(menu_id).await
    }

    /// A menu's items and ballots as the rules take them (for the `.pb` export); ballots are
    /// ordered by owner and carry no personal data.
    pub async fn menu_instance(&self, menu_id: i64) -> Result<(MenuView, MenuBallots)> {
        let (m, _) = self.menu_in_scope(menu_id).await?;
        let b = menu_ballots(&self.store.db, &m).await?;
        Ok((menu_view(&self.store, m).await?, b))
    }
}

pub(super) async fn menus_of(store: &Store, estate_id: i64) -> Result<Vec<MenuView>> {
    let mut out = Vec::new();
    for m in menu::Entity::find()
        .filter(menu::Column::EstateId.eq(estate_id))
        .order_by_desc(menu::Column::Id)
        .all(&store.db)
        .await?
    {
        out.push(menu_view(store, m).await?);
    }
    Ok(out)
}

/// Stores households' approval ballots on an open menu of their estate (each replacing the
/// household's earlier one), every code one of the menu's items: all or none, in one
/// transaction — one household online, or a stack of paper ballots entered by staff.
pub(super) async fn approve(
    store: &Store,
    m: &menu::Model,
    ballots: &[(i64, Vec<String>)],
    channel: Channel,
    actor: &str,
) -> Result<()> {
    let items = items_of(&store.db, m.id).await?;
    let mut rows = Vec::with_capacity(ballots.len());
    let now = chrono::Utc::now();
    for (owner_id, codes) in ballots {
        household_of(&store.db, m.estate_id, *owner_id).await?;
        let mut chosen: Vec<&str> = Vec::new();
        for c in codes {
            let c = c.trim();
            if c.is_empty() {
                continue;
            }
            if !items.iter().any(|it| it.code == c) {
                return Err(StoreError::Invalid(format!(
                    "菜单中没有“{c}”这一项 / the menu has no item {c:?}"
                )));
            }
            if !chosen.contains(&c) {
                chosen.push(c);
            }
        }
        if chosen.is_empty() {
            return Err(StoreError::Invalid(format!(
                "业主{owner_id}：请至少选择一项 / owner {owner_id}: choose at least one item"
            )));
        }
        chosen.sort_unstable();
        rows.push(menu_ballot::ActiveModel {
            id: NotSet,
            menu_id: Set(m.id),
            owner_id: Set(*owner_id),
            items: Set(chosen.join(",")),
            channel: Set(channel.key().into()),
            entered_by: Set(actor.into()),
            at: Set(now),
        });
    }
    let txn = store.begin_write().await?;
    let open = menu::Entity::find_by_id(m.id)
        .lock_shared()
        .one(&txn)
        .await?
        .is_some_and(|m| m.state == "open");
    if !open {
        return Err(StoreError::Conflict(
            "菜单投票已结束 / the menu is closed: no more ballots".into(),
        ));
    }
    for row in rows {
        menu_ballot::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([menu_ballot::Column::MenuId, menu_ballot::Column::OwnerId])
                    .update_columns([
                        menu_ballot::Column::Items,
                        menu_ballot::Column::Channel,
                        menu_ballot::Column::EnteredBy,
                        menu_ballot::Column::At,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A household's current approvals on a menu.
pub(super) async fn approvals_of(
    store: &Store,
    menu_id: i64,
    owner_id: i64,
) -> Result<Option<Vec<String>>> {
    Ok(menu_ballot::Entity::find()
        .filter(menu_ballot::Column::MenuId.eq(menu_id))
        .filter(menu_ballot::Column::OwnerId.eq(owner_id))
        .one(&store.db)
        .await?
        .map(|b| {
            b.items
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        }))
}

/// A menu of the household's estate.
pub(super) async fn menu_of_estate(
    store: &Store,
    estate_id: i64,
    menu_id: i64,
) -> Result<menu::Model> {
    menu::Entity::find_by_id(menu_id)
        .one(&store.db)
        .await?
        .filter(|m| m.estate_id == estate_id)
        .ok_or_else(|| StoreError::NotFound(format!("menu {menu_id}")))
}
