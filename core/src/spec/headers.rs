//! Header aliases (SPEC.md §3.3): which column of a directory is the id, the
//! name, and which canonical attribute name every other column gets.
//!
//! The tables here are part of the protocol: a header's canonical key goes
//! into the directory digest. Extending a table is allowed only when it does
//! not change the key of a header that was already recognized.

use crate::spec::text::{header_match_key, normalize_text};

/// The role of an entity-directory column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EntityColumn {
    Id,
    LegacyId,
    Name,
    Attribute(String),
}

/// The role of an inspector-directory column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InspectorColumn {
    Id,
    Name,
    Department,
    Fields,
    Status,
    Expiry,
    Attribute(String),
}

const ENTITY_ID: &[&str] = &[
    "统一社会信用代码",
    "统一信用代码",
    "社会信用代码",
    "信用代码",
    "id",
    "code",
    "uscc",
    "creditcode",
];
const ENTITY_LEGACY_ID: &[&str] = &["注册号", "regno", "registrationnumber"];
const ENTITY_NAME: &[&str] = &[
    "企业名称",
    "主体名称",
    "市场主体名称",
    "名称",
    "name",
    "entityname",
];

/// Canonical attribute keys and their aliases (match keys: lower-case, no
/// spaces, `_` or `-`).
const ATTRIBUTES: &[(&str, &[&str])] = &[
    (
        "所属区域",
        &[
            "所属区域",
            "区域",
            "所属地区",
            "地区",
            "区划",
            "乡镇街道",
            "region",
            "area",
        ],
    ),
    ("行业", &["行业", "行业门类", "所属行业", "industry"]),
    (
        "信用风险等级",
        &[
            "信用风险等级",
            "风险等级",
            "信用等级",
            "信用风险分类",
            "creditclass",
            "riskclass",
            "creditrisk",
        ],
    ),
    (
        "企业类型",
        &["企业类型", "市场主体类型", "主体类型", "entitytype"],
    ),
    ("登记机关", &["登记机关", "registrationauthority"]),
    (
        "法定代表人",
        &["法定代表人", "负责人", "经营者", "legalrepresentative"],
    ),
    ("住所", &["住所", "经营场所", "地址", "address"]),
    ("管辖单位", &["管辖单位", "属地监管所", "supervisingunit"]),
];

const INSPECTOR_ID: &[&str] = &[
    "执法证号",
    "执法证件号",
    "证号",
    "执法证编号",
    "id",
    "certificateno",
    "certificate",
];
const INSPECTOR_NAME: &[&str] = &["姓名", "名称", "name"];
const INSPECTOR_DEPARTMENT: &[&str] = &[
    "单位",
    "部门",
    "所属部门",
    "所属单位",
    "执法单位",
    "department",
];
const INSPECTOR_FIELDS: &[&str] = &[
    "执法领域",
    "执法类别",
    "执法事项",
    "执法门类",
    "fields",
    "field",
];
const INSPECTOR_STATUS: &[&str] = &["状态", "人员状态", "status"];
const INSPECTOR_EXPIRY: &[&str] = &[
    "有效期",
    "证件有效期",
    "有效期至",
    "证件有效期至",
    "expiry",
    "validuntil",
];

/// The canonical attribute key of a header or a task's attribute name:
/// a known alias gives its canonical key, anything else its normalized text.
pub(crate) fn attribute_key(header: &str) -> String {
    let m = header_match_key(header);
    for (key, aliases) in ATTRIBUTES {
        if aliases.contains(&m.as_str()) {
            return (*key).to_string();
        }
    }
    normalize_text(header).unwrap_or_default()
}

/// Whether a header is one of the attribute aliases of §3.3 (所属区域,
/// 行业, 信用风险等级 …): a column that marks a table as a directory rather
/// than a list of ids.
pub(crate) fn is_known_attribute(header: &str) -> bool {
    let m = header_match_key(header);
    ATTRIBUTES
        .iter()
        .any(|(_, aliases)| aliases.contains(&m.as_str()))
}

pub(crate) fn entity_column(header: &str) -> EntityColumn {
    let m = header_match_key(header);
    let m = m.as_str();
    if ENTITY_ID.contains(&m) {
        EntityColumn::Id
    } else if ENTITY_LEGACY_ID.contains(&m) {
        EntityColumn::LegacyId
    } else if ENTITY_NAME.contains(&m) {
        EntityColumn::Name
    } else {
        EntityColumn::Attribute(attribute_key(header))
    }
}

pub(crate) fn inspector_column(header: &str) -> InspectorColumn {
    let m = header_match_key(header);
    let m = m.as_str();
    if INSPECTOR_ID.contains(&m) {
        InspectorColumn::Id
    } else if INSPECTOR_NAME.contains(&m) {
        InspectorColumn::Name
    } else if INSPECTOR_DEPARTMENT.contains(&m) {
        InspectorColumn::Department
    } else if INSPECTOR_FIELDS.contains(&m) {
        InspectorColumn::Fields
    } else if INSPECTOR_STATUS.contains(&m) {
        InspectorColumn::Status
    } else if INSPECTOR_EXPIRY.contains(&m) {
        InspectorColumn::Expiry
    } else {
        InspectorColumn::Attribute(attribute_key(header))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_map_to_one_key() {
        assert_eq!(entity_column(" 统一社会信用代码 "), EntityColumn::Id);
        assert_eq!(entity_column("Credit_Code"), EntityColumn::Id);
        assert_eq!(entity_column("注册号"), EntityColumn::LegacyId);
        assert_eq!(entity_column("Entity Name"), EntityColumn::Name);
        assert_eq!(
            entity_column("Region"),
            EntityColumn::Attribute("所属区域".into())
        );
        assert_eq!(
            entity_column("风险等级"),
            EntityColumn::Attribute("信用风险等级".into())
        );
        assert_eq!(
            entity_column("成立日期"),
            EntityColumn::Attribute("成立日期".into())
        );
        assert_eq!(inspector_column("所属部门"), InspectorColumn::Department);
        assert_eq!(
            inspector_column("区域"),
            InspectorColumn::Attribute("所属区域".into())
        );
        assert_eq!(attribute_key("Custom Col"), "Custom Col");
    }
}
