//! Schema migrations, the same for SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Inventory),
            Box::new(M0002Accounts),
            Box::new(M0003Sessions),
            Box::new(M0004Uploads),
            Box::new(M0005DivisionTotals),
            Box::new(M0006EstateSearch),
            Box::new(M0007ChoicesAsTyped),
            Box::new(M0008Outcomes),
            Box::new(M0009StructureAsTyped),
            Box::new(M0010Unsurveyed),
            Box::new(M0011Policies),
            Box::new(M0012Demolition),
            Box::new(M0013Planning),
            Box::new(M0014Residents),
            Box::new(M0015Participation),
            Box::new(M0016Projects),
            Box::new(M0017FundLedger),
            Box::new(M0018Works),
        ]
    }
}

fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn id(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}
fn text(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).string().not_null().to_owned()
}
fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).string().null().to_owned()
}
fn long_text_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().null().to_owned()
}
fn int(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).integer().not_null().to_owned()
}
fn int_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).integer().null().to_owned()
}
fn big(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).big_integer().not_null().to_owned()
}
fn big_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).big_integer().null().to_owned()
}
fn flag(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}
fn flag_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).boolean().null().to_owned()
}
fn real_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).double().null().to_owned()
}
fn time(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

struct M0001Inventory;

impl MigrationName for M0001Inventory {
    fn name(&self) -> &str {
        "m0001_inventory"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Inventory {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("divisions"))
                .col(
                    ColumnDef::new(a("code"))
                        .string_len(12)
                        .not_null()
                        .primary_key(),
                )
                .col(text("name"))
                .col(ColumnDef::new(a("level")).small_integer().not_null())
                .col(text_null("parent_code"))
                .col(flag("county_seat"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("divisions_parent")
                .table(a("divisions"))
                .col(a("parent_code"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("estates"))
                .col(id("id"))
                .col(text_null("code"))
                .col(text("name"))
                .col(ColumnDef::new(a("division_code")).string_len(12).not_null())
                .col(text("address"))
                .col(int_null("year_completed"))
                .col(int("building_count"))
                .col(int("households"))
                .col(big("floor_area_centi_m2"))
                .col(text_null("property_type"))
                .col(text_null("management_mode"))
                .col(flag("urban_village"))
                .col(flag("mostly_self_built"))
                .col(flag("expropriation_or_rebuild_planned"))
                .col(int_null("last_renovated_year"))
                .col(int_null("planned_demolition_year"))
                .col(flag("historic_protection"))
                .col(real_null("willingness_pct"))
                .col(int_null("illegal_structures"))
                .col(int_null("illegal_structures_removed"))
                .col(flag_null("in_city_or_county_seat"))
                .col(real_null("longitude"))
                .col(real_null("latitude"))
                .col(flag("eligible"))
                .col(text("failed_rules"))
                .col(text("suggested_mode"))
                .col(time("created_at"))
                .col(time("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("estates_division")
                        .from(a("estates"), a("division_code"))
                        .to(a("divisions"), a("code")),
                )
                .to_owned(),
        )
        .await?;
        // Codes are unique where given (NULLs do not collide); names are unique in a neighbourhood.
        m.create_index(
            Index::create()
                .name("estates_code")
                .table(a("estates"))
                .col(a("code"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("estates_division_name")
                .table(a("estates"))
                .col(a("division_code"))
                .col(a("name"))
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("buildings"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(text("number"))
                .col(int_null("floors"))
                .col(int_null("stairway_units"))
                .col(int_null("households"))
                .col(big_null("floor_area_centi_m2"))
                .col(text_null("structure"))
                .col(int_null("year_completed"))
                .col(text_null("safety_grade"))
                .col(flag("has_lift"))
                .col(time("created_at"))
                .col(time("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("buildings_estate")
                        .from(a("buildings"), a("estate_id"))
                        .to(a("estates"), a("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("buildings_estate_number")
                .table(a("buildings"))
                .col(a("estate_id"))
                .col(a("number"))
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("audit_log"))
                .col(id("id"))
                .col(time("at"))
                .col(text("actor"))
                .col(text("action"))
                .col(text("entity"))
                .col(text("entity_id"))
                .col(text_null("division_code"))
                .col(text_null("source"))
                .col(long_text_null("before"))
                .col(long_text_null("after"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_entity")
                .table(a("audit_log"))
                .col(a("entity"))
                .col(a("entity_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_division")
                .table(a("audit_log"))
                .col(a("division_code"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["audit_log", "buildings", "estates", "divisions"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}

struct M0002Accounts;

impl MigrationName for M0002Accounts {
    fn name(&self) -> &str {
        "m0002_accounts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Accounts {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("users"))
                .col(id("id"))
                .col(
                    ColumnDef::new(a("username"))
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(text("display_name"))
                .col(text("role"))
                .col(text_null("scope_division"))
                .col(text("password_hash"))
                .col(
                    ColumnDef::new(a("active"))
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(time("created_at"))
                .col(time("updated_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("users")).to_owned())
            .await
    }
}

struct M0003Sessions;

impl MigrationName for M0003Sessions {
    fn name(&self) -> &str {
        "m0003_sessions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0003Sessions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let user_fk = |table: &str| {
            ForeignKey::create()
                .name(format!("{table}_user"))
                .from(a(table), a("user_id"))
                .to(a("users"), a("id"))
                .on_delete(ForeignKeyAction::Cascade)
                .to_owned()
        };
        // Sessions and API tokens are stored by the SHA-256 of their secret, never the secret.
        m.create_table(
            Table::create()
                .table(a("sessions"))
                .col(
                    ColumnDef::new(a("id"))
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(big("user_id"))
                .col(text("csrf_token"))
                .col(time("created_at"))
                .col(time("expires_at"))
                .foreign_key(&mut user_fk("sessions"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("api_tokens"))
                .col(id("id"))
                .col(
                    ColumnDef::new(a("token_hash"))
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(big("user_id"))
                .col(text("name"))
                .col(time("created_at"))
                .foreign_key(&mut user_fk("api_tokens"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("login_attempts"))
                .col(id("id"))
                .col(text("username"))
                .col(time("at"))
                .col(flag("success"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("login_attempts_user_at")
                .table(a("login_attempts"))
                .col(a("username"))
                .col(a("at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["login_attempts", "api_tokens", "sessions"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}

struct M0004Uploads;

impl MigrationName for M0004Uploads {
    fn name(&self) -> &str {
        "m0004_uploads"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004Uploads {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A sheet uploaded through the import page waits here between preview and confirmation,
        // so that any server process can confirm it.
        m.create_table(
            Table::create()
                .table(a("uploads"))
                .col(id("id"))
                .col(big("user_id"))
                .col(text("filename"))
                .col(ColumnDef::new(a("bytes")).blob().not_null())
                .col(time("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("uploads_user")
                        .from(a("uploads"), a("user_id"))
                        .to(a("users"), a("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("uploads")).to_owned())
            .await
    }
}

struct M0005DivisionTotals;

impl MigrationName for M0005DivisionTotals {
    fn name(&self) -> &str {
        "m0005_division_totals"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005DivisionTotals {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Totals of every division that has estates, at every level (see totals.rs); the
        // dashboard reads them instead of summing the estates on each request.
        let mut t = Table::create();
        t.table(a("division_totals"))
            .col(ColumnDef::new(a("level")).small_integer().not_null())
            .col(ColumnDef::new(a("code")).string_len(12).not_null())
            .col(ColumnDef::new(a("parent_code")).string_len(12).not_null());
        // The sums of that time; later migrations add theirs.
        for c in &crate::totals::SUMS[..8] {
            t.col(big(c));
        }
        t.primary_key(Index::create().col(a("level")).col(a("code")));
        m.create_table(t.to_owned()).await?;
        m.create_index(
            Index::create()
                .name("division_totals_parent")
                .table(a("division_totals"))
                .col(a("level"))
                .col(a("parent_code"))
                .to_owned(),
        )
        .await?;
        // Filled by migration 12, after the later sums exist (the totals code writes them all).
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("division_totals")).to_owned())
            .await
    }
}

struct M0006EstateSearch;

impl MigrationName for M0006EstateSearch {
    fn name(&self) -> &str {
        "m0006_estate_search"
    }
}

/// The SQLite index of the search terms: an FTS5 table over `estates.search_terms` (its content
/// stays in `estates`), kept by triggers in the transaction that writes the estate. unicode61
/// splits the terms at the spaces between them; a Chinese bigram is one token.
const SQLITE_SEARCH_INDEX: &[&str] = &[
    "CREATE VIRTUAL TABLE estate_search USING fts5(search_terms, content='estates', \
     content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO estate_search(estate_search) VALUES ('rebuild')",
    "CREATE TRIGGER estates_search_insert AFTER INSERT ON estates BEGIN \
     INSERT INTO estate_search(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    "CREATE TRIGGER estates_search_delete AFTER DELETE ON estates BEGIN \
     INSERT INTO estate_search(estate_search, rowid, search_terms) \
     VALUES ('delete', old.id, old.search_terms); END",
    "CREATE TRIGGER estates_search_update AFTER UPDATE OF search_terms ON estates \
     WHEN old.search_terms IS NOT new.search_terms BEGIN \
     INSERT INTO estate_search(estate_search, rowid, search_terms) \
     VALUES ('delete', old.id, old.search_terms); \
     INSERT INTO estate_search(rowid, search_terms) VALUES (new.id, new.search_terms); END",
];

/// The PostgreSQL index of the search terms: GIN over their array, which the query names the same
/// way (`string_to_array(search_terms, ' ') @> …`).
const POSTGRES_SEARCH_INDEX: &str =
    "CREATE INDEX estates_search ON estates USING gin (string_to_array(search_terms, ' '))";

#[async_trait::async_trait]
impl MigrationTrait for M0006EstateSearch {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A text search read every estate of the caller's scope (a LIKE '%…%' cannot use an
        // index): the bigrams of name, address and code, with the division's terms, make it an
        // index lookup (see anju_domain::search and Scoped::estates).
        m.alter_table(
            Table::alter()
                .table(a("estates"))
                .add_column(
                    ColumnDef::new(a("search_terms"))
                        .text()
                        .not_null()
                        .default(""),
                )
                .to_owned(),
        )
        .await?;
        backfill_search_terms(m.get_connection()).await?;
        let db = m.get_connection();
        match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(POSTGRES_SEARCH_INDEX).await?;
            }
            _ => {
                for sql in SQLITE_SEARCH_INDEX {
                    db.execute_unprepared(sql).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared("DROP INDEX IF EXISTS estates_search")
                .await?;
        } else {
            for t in ["insert", "delete", "update"] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS estates_search_{t}"))
                    .await?;
            }
            db.execute_unprepared("DROP TABLE IF EXISTS estate_search")
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(a("estates"))
                .drop_column(a("search_terms"))
                .to_owned(),
        )
        .await
    }
}

/// The search terms of the estates stored before there were any, a thousand at a time.
async fn backfill_search_terms(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    use crate::entity::estate;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let mut after = 0i64;
    loop {
        let page: Vec<(i64, String, String, Option<String>, String)> = estate::Entity::find()
            .select_only()
            .column(estate::Column::Id)
            .column(estate::Column::Name)
            .column(estate::Column::Address)
            .column(estate::Column::Code)
            .column(estate::Column::DivisionCode)
            .filter(estate::Column::Id.gt(after))
            .order_by_asc(estate::Column::Id)
            .limit(1000)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.0;
        for (id, name, address, code, division) in page {
            let terms =
                crate::estates::search_terms_of(&division, &name, &address, code.as_deref());
            estate::Entity::update_many()
                .col_expr(
                    estate::Column::SearchTerms,
                    sea_orm::sea_query::Expr::value(terms),
                )
                .filter(estate::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    }
}

struct M0007ChoicesAsTyped;

impl MigrationName for M0007ChoicesAsTyped {
    fn name(&self) -> &str {
        "m0007_choices_as_typed"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0007ChoicesAsTyped {
    /// What a sheet wrote for a property type or a management mode, where an office's own word
    /// (直管公房, 商品房 …) was read as the canonical value: kept beside it.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["property_type_as_typed", "management_mode_as_typed"] {
            m.alter_table(
                Table::alter()
                    .table(a("estates"))
                    .add_column(ColumnDef::new(a(col)).text().null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

struct M0008Outcomes;

impl MigrationName for M0008Outcomes {
    fn name(&self) -> &str {
        "m0008_outcomes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0008Outcomes {
    /// The outcome of the rules beyond eligible or not: conditional (the second cut-off) and
    /// undetermined; and their totals. Stored rows keep what they were until reassessed.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("estates"))
                .add_column(
                    ColumnDef::new(a("outcome"))
                        .string()
                        .not_null()
                        .default("out"),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared("UPDATE estates SET outcome = 'eligible' WHERE eligible")
            .await?;
        for c in &crate::totals::SUMS[8..] {
            m.alter_table(
                Table::alter()
                    .table(a("division_totals"))
                    .add_column(big(c).default(0))
                    .to_owned(),
            )
            .await?;
        }
        // Filled by migration 12, the last to change what the totals sum.
        Ok(())
    }
}

struct M0009StructureAsTyped;

impl MigrationName for M0009StructureAsTyped {
    fn name(&self) -> &str {
        "m0009_structure_as_typed"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0009StructureAsTyped {
    /// A building's structure is one of a list now: what the sheet said is kept beside it.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("buildings"))
                .add_column(ColumnDef::new(a("structure_as_typed")).text().null())
                .to_owned(),
        )
        .await
    }
}

struct M0010Unsurveyed;

impl MigrationName for M0010Unsurveyed {
    fn name(&self) -> &str {
        "m0010_unsurveyed"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0010Unsurveyed {
    /// Which rule columns a sheet lacked for an estate (待核实 until answered); estates stored
    /// before had every column answered or taken as 否.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("estates"))
                .add_column(
                    ColumnDef::new(a("unsurveyed"))
                        .string()
                        .not_null()
                        .default(""),
                )
                .to_owned(),
        )
        .await
    }
}

struct M0011Policies;

impl MigrationName for M0011Policies {
    fn name(&self) -> &str {
        "m0011_policies"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0011Policies {
    /// Policies by division and year (a province's or city's override of the national numbers
    /// from a given year), and on each estate the year and the policy its assessment used.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("policy_overrides"))
                .col(id("id"))
                .col(ColumnDef::new(a("division_code")).string_len(12).not_null())
                .col(int("from_year"))
                .col(ColumnDef::new(a("body")).text().not_null())
                .col(time("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("policy_overrides_division_year")
                .table(a("policy_overrides"))
                .col(a("division_code"))
                .col(a("from_year"))
                .unique()
                .to_owned(),
        )
        .await?;
        for col in [
            ColumnDef::new(a("assessed_year"))
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(a("policy_hash"))
                .string()
                .not_null()
                .default("")
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(a("estates"))
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

struct M0012Demolition;

impl MigrationName for M0012Demolition {
    fn name(&self) -> &str {
        "m0012_demolition"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0012Demolition {
    /// Buildings to be demolished (拆改结合), the part of each estate they make (outside the
    /// renovation scope and its totals), and the mode an official confirmed (who, when).
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("buildings"))
                .add_column(flag("to_be_demolished"))
                .to_owned(),
        )
        .await?;
        for col in [
            ColumnDef::new(a("demolished_buildings"))
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(a("demolished_households"))
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(a("demolished_floor_area_centi_m2"))
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
            flag("all_demolished"),
            text_null("confirmed_mode"),
            text_null("mode_confirmed_by"),
            ColumnDef::new(a("mode_confirmed_at"))
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(a("estates"))
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        // The totals as the code now sums them (the outcomes of migration 8, the scope without
        // the buildings to be demolished).
        crate::totals::refresh_all(m.get_connection())
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))
    }
}

struct M0013Planning;

impl MigrationName for M0013Planning {
    fn name(&self) -> &str {
        "m0013_planning"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0013Planning {
    /// Planning: each estate's needs as a needs sheet or a user gave them (the derived ones are
    /// computed, not stored), its place in the reserve pool, bundles (片区) of estates with their
    /// income, the facilities of the life circles, and saved plan scenarios.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let estate_fk = |table: &str| {
            ForeignKey::create()
                .name(format!("{table}_estate"))
                .from(a(table), a("estate_id"))
                .to(a("estates"), a("id"))
                .on_delete(ForeignKeyAction::Cascade)
                .to_owned()
        };
        m.create_table(
            Table::create()
                .table(a("estate_needs"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(text("item"))
                .col(big("quantity_centi"))
                .col(flag("in_list"))
                .col(flag("hazard"))
                .col(text("origin"))
                .col(ColumnDef::new(a("note")).text().not_null().default(""))
                .col(time("updated_at"))
                .foreign_key(&mut estate_fk("estate_needs"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("estate_needs_estate_item")
                .table(a("estate_needs"))
                .col(a("estate_id"))
                .col(a("item"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("pool_entries"))
                .col(
                    ColumnDef::new(a("estate_id"))
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(text("state"))
                .col(int_null("plan_year"))
                .col(time("updated_at"))
                .foreign_key(&mut estate_fk("pool_entries"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("bundles"))
                .col(id("id"))
                .col(text("name"))
                .col(ColumnDef::new(a("division_code")).string_len(12).not_null())
                .col(text("mode"))
                .col(ColumnDef::new(a("incomes")).text().not_null().default("[]"))
                .col(ColumnDef::new(a("note")).text().not_null().default(""))
                .col(time("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("bundle_members"))
                .col(
                    ColumnDef::new(a("estate_id"))
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(big("bundle_id"))
                .foreign_key(&mut estate_fk("bundle_members"))
                .foreign_key(
                    ForeignKey::create()
                        .name("bundle_members_bundle")
                        .from(a("bundle_members"), a("bundle_id"))
                        .to(a("bundles"), a("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("bundle_members_bundle")
                .table(a("bundle_members"))
                .col(a("bundle_id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("facilities"))
                .col(id("id"))
                .col(text("kind"))
                .col(text("name"))
                .col(ColumnDef::new(a("division_code")).string_len(12).not_null())
                .col(ColumnDef::new(a("longitude")).double().not_null())
                .col(ColumnDef::new(a("latitude")).double().not_null())
                .col(time("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("facilities_division")
                .table(a("facilities"))
                .col(a("division_code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("plan_scenarios"))
                .col(id("id"))
                .col(text("name"))
                .col(ColumnDef::new(a("division_code")).string_len(12).not_null())
                .col(int("year"))
                .col(big("budget_yuan"))
                .col(int("years"))
                .col(ColumnDef::new(a("params")).text().not_null())
                .col(ColumnDef::new(a("result")).text().not_null())
                .col(text("created_by"))
                .col(time("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plan_scenarios_division")
                .table(a("plan_scenarios"))
                .col(a("division_code"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0014Residents;

impl MigrationName for M0014Residents {
    fn name(&self) -> &str {
        "m0014_residents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0014Residents {
    /// Residents: the owner register (owners and their exclusive parts), consultations with one
    /// answer per owner, and owners' votes with one current ballot per owner (the database
    /// enforces it) and the trail of every ballot cast.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let fk = |table: &str, col: &str, to: &str| {
            ForeignKey::create()
                .name(format!("{table}_{col}"))
                .from(a(table), a(col))
                .to(a(to), a("id"))
                .on_delete(ForeignKeyAction::Cascade)
                .to_owned()
        };
        let unique = |name: &str, table: &str, cols: &[&str]| {
            let mut i = Index::create();
            i.name(name).table(a(table)).unique();
            for c in cols {
                i.col(a(c));
            }
            i.to_owned()
        };
        m.create_table(
            Table::create()
                .table(a("owners"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(text("owner_key"))
                .col(text("name"))
                .col(text_null("id_hash"))
                .col(text_null("id_last4"))
                .col(text_null("phone"))
                .col(flag("is_developer"))
                .col(text_null("access_hash"))
                .col(time("created_at"))
                .foreign_key(&mut fk("owners", "estate_id", "estates"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "owners_estate_key",
            "owners",
            &["estate_id", "owner_key"],
        ))
        .await?;
        m.create_index(unique("owners_access", "owners", &["access_hash"]))
            .await?;
        m.create_table(
            Table::create()
                .table(a("owner_parts"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(big("owner_id"))
                .col(text("building"))
                .col(text("unit"))
                .col(text("room"))
                .col(big("area_centi_m2"))
                .col(text("area_basis"))
                .col(flag("delivered"))
                .foreign_key(&mut fk("owner_parts", "estate_id", "estates"))
                .foreign_key(&mut fk("owner_parts", "owner_id", "owners"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "owner_parts_room",
            "owner_parts",
            &["estate_id", "building", "unit", "room"],
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("owner_parts_owner")
                .table(a("owner_parts"))
                .col(a("owner_id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("consultations"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(text("title"))
                .col(time("opened_at"))
                .col(
                    ColumnDef::new(a("closed_at"))
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(text("created_by"))
                .foreign_key(&mut fk("consultations", "estate_id", "estates"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("consultation_answers"))
                .col(id("id"))
                .col(big("consultation_id"))
                .col(big("owner_id"))
                .col(text("answer"))
                .col(text("channel"))
                .col(text("entered_by"))
                .col(time("at"))
                .foreign_key(&mut fk(
                    "consultation_answers",
                    "consultation_id",
                    "consultations",
                ))
                .foreign_key(&mut fk("consultation_answers", "owner_id", "owners"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "consultation_answers_owner",
            "consultation_answers",
            &["consultation_id", "owner_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("owner_votes"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(int("matter"))
                .col(text("title"))
                .col(text_null("building"))
                .col(text_null("unit"))
                .col(text("state"))
                .col(time("opens_at"))
                .col(time("closes_at"))
                .col(
                    ColumnDef::new(a("closed_at"))
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(text_null("ballots_sha256"))
                .col(long_text_null("result"))
                .col(text("created_by"))
                .foreign_key(&mut fk("owner_votes", "estate_id", "estates"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("ballots"))
                .col(id("id"))
                .col(big("vote_id"))
                .col(big("owner_id"))
                .col(text("choice"))
                .col(text("channel"))
                .col(text_null("ballot_no"))
                .col(time("at"))
                .foreign_key(&mut fk("ballots", "vote_id", "owner_votes"))
                .foreign_key(&mut fk("ballots", "owner_id", "owners"))
                .to_owned(),
        )
        .await?;
        // One owner, one ballot per matter, whatever the channel and however many requests race.
        m.create_index(unique("ballots_owner", "ballots", &["vote_id", "owner_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(a("ballot_trail"))
                .col(id("id"))
                .col(big("vote_id"))
                .col(big("owner_id"))
                .col(text("choice"))
                .col(text("channel"))
                .col(text_null("ballot_no"))
                .col(text("actor"))
                .col(time("at"))
                .foreign_key(&mut fk("ballot_trail", "vote_id", "owner_votes"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ballot_trail_vote")
                .table(a("ballot_trail"))
                .col(a("vote_id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0015Participation;

impl MigrationName for M0015Participation {
    fn name(&self) -> &str {
        "m0015_participation"
    }
}

fn long_text(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().not_null().to_owned()
}
fn time_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0015Participation {
    /// The rest of the residents' part: menus of works with one approval ballot per owner,
    /// contributions with unique receipts, satisfaction surveys with one answer per owner, public
    /// notices, and deliberation (posts, meetings, the owners' committee).
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let fk = |table: &str, col: &str, to: &str| {
            ForeignKey::create()
                .name(format!("{table}_{col}"))
                .from(a(table), a(col))
                .to(a(to), a("id"))
                .on_delete(ForeignKeyAction::Cascade)
                .to_owned()
        };
        let index = |name: &str, table: &str, cols: &[&str], unique: bool| {
            let mut i = Index::create();
            i.name(name).table(a(table));
            if unique {
                i.unique();
            }
            for c in cols {
                i.col(a(c));
            }
            i.to_owned()
        };
        let estate = |t: &str| fk(t, "estate_id", "estates");
        m.create_table(
            Table::create()
                .table(a("menus"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(text("title"))
                .col(big("budget_fen"))
                .col(text("rule"))
                .col(text("completion"))
                .col(text("state"))
                .col(time("opened_at"))
                .col(time_null("closed_at"))
                .col(long_text_null("result"))
                .col(text("created_by"))
                .foreign_key(&mut estate("menus"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("menu_items"))
                .col(id("id"))
                .col(big("menu_id"))
                .col(text("code"))
                .col(text("name"))
                .col(big("cost_fen"))
                .foreign_key(&mut fk("menu_items", "menu_id", "menus"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "menu_items_code",
            "menu_items",
            &["menu_id", "code"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("menu_ballots"))
                .col(id("id"))
                .col(big("menu_id"))
                .col(big("owner_id"))
                .col(text("items"))
                .col(text("channel"))
                .col(text("entered_by"))
                .col(time("at"))
                .foreign_key(&mut fk("menu_ballots", "menu_id", "menus"))
                .foreign_key(&mut fk("menu_ballots", "owner_id", "owners"))
                .to_owned(),
        )
        .await?;
        // One approval ballot per owner and menu; a later one replaces it while the menu is open.
        m.create_index(index(
            "menu_ballots_owner",
            "menu_ballots",
            &["menu_id", "owner_id"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("contributions"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(big_null("owner_id"))
                .col(text("kind"))
                .col(big("amount_fen"))
                .col(text("receipt_no"))
                .col(text("received_on"))
                .col(text_null("note"))
                .col(text("entered_by"))
                .col(time("at"))
                .foreign_key(&mut estate("contributions"))
                .foreign_key(&mut fk("contributions", "owner_id", "owners"))
                .to_owned(),
        )
        .await?;
        // A receipt is entered once: the same slip twice would count the money twice.
        m.create_index(index(
            "contributions_receipt",
            "contributions",
            &["estate_id", "receipt_no"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("surveys"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(text("title"))
                .col(time("opened_at"))
                .col(time_null("closed_at"))
                .col(text("created_by"))
                .foreign_key(&mut estate("surveys"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("survey_answers"))
                .col(id("id"))
                .col(big("survey_id"))
                .col(big("owner_id"))
                .col(text("rating"))
                .col(text_null("comment"))
                .col(text("channel"))
                .col(text("entered_by"))
                .col(time("at"))
                .foreign_key(&mut fk("survey_answers", "survey_id", "surveys"))
                .foreign_key(&mut fk("survey_answers", "owner_id", "owners"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "survey_answers_owner",
            "survey_answers",
            &["survey_id", "owner_id"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("notices"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(text("kind"))
                .col(text("title"))
                .col(long_text("body"))
                .col(time("published_at"))
                .col(text("published_by"))
                .col(time_null("withdrawn_at"))
                .col(text_null("withdrawn_reason"))
                .foreign_key(&mut estate("notices"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("posts"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(big_null("parent_id"))
                .col(text("kind"))
                .col(big_null("owner_id"))
                .col(text("author"))
                .col(long_text("body"))
                .col(flag("hidden"))
                .col(text_null("hidden_reason"))
                .col(text_null("hidden_by"))
                .col(time("at"))
                .foreign_key(&mut estate("posts"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("posts_estate", "posts", &["estate_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(a("meetings"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(text("kind"))
                .col(text("title"))
                .col(time("held_at"))
                .col(text("place"))
                .col(long_text("agenda"))
                .col(long_text("attendance"))
                .col(int("attendees"))
                .col(long_text("minutes"))
                .col(long_text("decisions"))
                .col(big_null("vote_id"))
                .col(text("created_by"))
                .foreign_key(&mut estate("meetings"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("committee_members"))
                .col(id("id"))
                .col(big("estate_id"))
                .col(big("vote_id"))
                .col(text("name"))
                .col(text("duty"))
                .col(time("recorded_at"))
                .foreign_key(&mut estate("committee_members"))
                .foreign_key(&mut fk("committee_members", "vote_id", "owner_votes"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0016Projects;

impl MigrationName for M0016Projects {
    fn name(&self) -> &str {
        "m0016_projects"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0016Projects {
    /// Projects (one estate or a bundle) with their state and what their gates look at, and the
    /// estates each covers.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("projects"))
                .col(id("id"))
                .col(text("name"))
                .col(ColumnDef::new(a("division_code")).string_len(12).not_null())
                .col(text("state"))
                .col(text_null("scheme_approval"))
                .col(big_null("estimate_fen"))
                .col(text_null("contractor"))
                .col(long_text_null("approvals_done"))
                .col(int_null("fire_lane_structures_left"))
                .col(int("progress_pct"))
                .col(flag("rain_sewage_separated"))
                .col(flag("closed_water_test_passed"))
                .col(flag("residents_in_acceptance"))
                .col(text_null("management_mode"))
                .col(text_null("managing_unit"))
                .col(flag("land_changes"))
                .col(flag("small_environmental_impact"))
                .col(flag("low_risk_structure_untouched"))
                .col(flag("in_national_plan"))
                .col(flag("self_funded"))
                .col(big("investment_fen"))
                .col(big("works_area_centi_m2"))
                .col(int("plan_year"))
                .col(text_null("start_planned"))
                .col(text_null("start_actual"))
                .col(text_null("works_done_planned"))
                .col(text_null("works_done_actual"))
                .col(text_null("basic_done_planned"))
                .col(text_null("basic_done_actual"))
                .col(time("created_at"))
                .col(time("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("projects_division")
                .table(a("projects"))
                .col(a("division_code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("project_estates"))
                .col(big("project_id"))
                .col(big("estate_id"))
                .primary_key(Index::create().col(a("project_id")).col(a("estate_id")))
                .foreign_key(
                    ForeignKey::create()
                        .name("project_estates_project")
                        .from(a("project_estates"), a("project_id"))
                        .to(a("projects"), a("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("project_estates_estate")
                        .from(a("project_estates"), a("estate_id"))
                        .to(a("estates"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        // An estate is in one project at a time.
        m.create_index(
            Index::create()
                .name("project_estates_estate")
                .table(a("project_estates"))
                .col(a("estate_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0017FundLedger;

impl MigrationName for M0017FundLedger {
    fn name(&self) -> &str {
        "m0017_fund_ledger"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0017FundLedger {
    /// The funding ledger: append-only, each row's hash chaining the previous row's, its ids
    /// given by the appender (1, 2, 3 … with no gap) so that the chain's order is the ids'.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("fund_ledger"))
                .col(
                    ColumnDef::new(a("id"))
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(big("at_micros"))
                .col(big_null("project_id"))
                .col(ColumnDef::new(a("division_code")).string_len(12).not_null())
                .col(text("kind"))
                .col(text("source"))
                .col(big("amount_fen"))
                .col(text("memo"))
                .col(text("actor"))
                .col(text("prev_hash"))
                .col(text("hash"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0018Works;

impl MigrationName for M0018Works {
    fn name(&self) -> &str {
        "m0018_works"
    }
}

/// A foreign key from `table.project_id` to the project, removed with it.
fn to_project(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("{table}_project"))
        .from(a(table), a("project_id"))
        .to(a("projects"), a("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0018Works {
    /// The works' records: monthly progress, documents (every version kept), inspections and
    /// their findings, the funding plan by source, responsibility tasks (the utilities' share
    /// among them) and complaints after hand-over. The closed-water test and the joint acceptance
    /// are inspections now, so the project's two flags for them go.
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("progress_reports"))
                .col(id("id"))
                .col(big("project_id"))
                .col(text("month"))
                .col(int("progress_pct"))
                .col(big("invested_fen"))
                .col(long_text_null("items"))
                .col(text("note"))
                .col(text("actor"))
                .col(time("created_at"))
                .foreign_key(&mut to_project("progress_reports"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("progress_reports_month")
                .table(a("progress_reports"))
                .col(a("project_id"))
                .col(a("month"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("documents"))
                .col(id("id"))
                .col(big("project_id"))
                .col(text("kind"))
                .col(text("filename"))
                .col(text("content_type"))
                .col(big("size_bytes"))
                .col(text("sha256"))
                .col(ColumnDef::new(a("bytes")).blob().not_null())
                .col(int("version"))
                .col(text("caption"))
                .col(text("actor"))
                .col(time("created_at"))
                .foreign_key(&mut to_project("documents"))
                .to_owned(),
        )
        .await?;
        // A new upload of a name is its next version; two uploads cannot take the same one.
        m.create_index(
            Index::create()
                .name("documents_version")
                .table(a("documents"))
                .col(a("project_id"))
                .col(a("filename"))
                .col(a("version"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("inspections"))
                .col(id("id"))
                .col(big("project_id"))
                .col(text("kind"))
                .col(text("on_date"))
                .col(text("inspector"))
                .col(flag_null("passed"))
                .col(long_text_null("participants"))
                .col(text("note"))
                .col(text("actor"))
                .col(time("created_at"))
                .foreign_key(&mut to_project("inspections"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("inspections_project")
                .table(a("inspections"))
                .col(a("project_id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("findings"))
                .col(id("id"))
                .col(big("inspection_id"))
                .col(big("project_id"))
                .col(text("description"))
                .col(text("severity"))
                .col(text("rectify_by"))
                .col(text_null("closed_on"))
                .col(text_null("closure"))
                .foreign_key(&mut to_project("findings"))
                .foreign_key(
                    ForeignKey::create()
                        .name("findings_inspection")
                        .from(a("findings"), a("inspection_id"))
                        .to(a("inspections"), a("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("findings_project")
                .table(a("findings"))
                .col(a("project_id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("funding_plans"))
                .col(big("project_id"))
                .col(text("source"))
                .col(big("amount_fen"))
                .primary_key(Index::create().col(a("project_id")).col(a("source")))
                .foreign_key(&mut to_project("funding_plans"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("tasks"))
                .col(id("id"))
                .col(ColumnDef::new(a("division_code")).string_len(12).not_null())
                .col(big_null("project_id"))
                .col(text("title"))
                .col(text_null("utility"))
                .col(text_null("party"))
                .col(big_null("department_id"))
                .col(text("department"))
                .col(big_null("amount_fen"))
                .col(text_null("deadline"))
                .col(text("status"))
                .col(text("note"))
                .col(time("created_at"))
                .col(time("updated_at"))
                .foreign_key(&mut to_project("tasks"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("tasks_division")
                .table(a("tasks"))
                .col(a("division_code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("complaints"))
                .col(id("id"))
                .col(big("project_id"))
                .col(text("received_on"))
                .col(text("channel"))
                .col(text("summary"))
                .col(text("status"))
                .col(long_text_null("steps"))
                .col(text_null("resolved_on"))
                .col(time("created_at"))
                .foreign_key(&mut to_project("complaints"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(a("projects"))
                .add_column(long_text_null("management_duties"))
                .to_owned(),
        )
        .await?;
        for gone in ["closed_water_test_passed", "residents_in_acceptance"] {
            m.alter_table(
                Table::alter()
                    .table(a("projects"))
                    .drop_column(a(gone))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
