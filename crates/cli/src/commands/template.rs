//! `anju template estates|buildings`: the survey sheet to fill in.

use super::*;

pub(super) fn template(
    kind: TemplateArg,
    output: Option<PathBuf>,
    lang: Lang,
) -> anyhow::Result<u8> {
    let (k, default) = match kind {
        TemplateArg::Estates => (TemplateKind::Estates, "小区摸底调查表.xlsx"),
        TemplateArg::Buildings => (TemplateKind::Buildings, "楼栋摸底调查表.xlsx"),
    };
    let path = output.unwrap_or_else(|| PathBuf::from(default));
    write_template(k, &path)?;
    println!(
        "{}{}",
        lang.pick("已生成空白表：", "wrote the blank sheet: "),
        path.display()
    );
    Ok(exit::OK)
}
