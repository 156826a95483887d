//! 人才引育: enterprises' talent demands and the bureau's talent records.

use crate::FieldError;
use crate::text::trim;

/// Largest number of positions one demand may ask for.
pub const MAX_POSITIONS: i64 = 1_000;

/// Education levels (a demand's requirement, a person's degree).
pub const EDUCATION: [&str; 5] = ["不限", "大专", "本科", "硕士", "博士"];

/// Talent categories the bureau records.
pub const CATEGORIES: [&str; 6] = [
    "领军人才",
    "拔尖人才",
    "青年英才",
    "博士",
    "硕士",
    "技能人才",
];

/// A talent demand as posted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Demand {
    /// Post title (岗位).
    pub title: String,
    /// Technical field.
    pub field: String,
    /// Education required (one of [`EDUCATION`]).
    pub education: String,
    /// Number of people.
    pub positions: i64,
    /// Duties and requirements.
    pub description: String,
}

/// A talent record as kept by the bureau.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Talent {
    /// Name.
    pub name: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// Field.
    pub field: String,
    /// Degree (one of [`EDUCATION`]).
    pub education: String,
    /// Notes.
    pub note: String,
}

fn text(field: &str, v: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let v = trim(v);
    if required && v.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    Ok(v.to_string())
}

fn education(v: &str) -> Result<String, FieldError> {
    let v = trim(v);
    EDUCATION
        .iter()
        .find(|e| **e == v)
        .map(|e| e.to_string())
        .ok_or_else(|| FieldError::new("education", "talent_education_invalid").with("value", v))
}

/// Checks a demand; every problem, each naming its field.
pub fn demand(
    title: &str,
    field: &str,
    edu: &str,
    positions: &str,
    description: &str,
) -> Result<Demand, Vec<FieldError>> {
    let mut errs = Vec::new();
    let title = text("title", title, 100, true)
        .map_err(|e| errs.push(e))
        .ok();
    let field = text("field", field, 50, true)
        .map_err(|e| errs.push(e))
        .ok();
    let education = education(edu).map_err(|e| errs.push(e)).ok();
    let positions = match trim(positions).parse::<i64>() {
        Ok(n) if (1..=MAX_POSITIONS).contains(&n) => Some(n),
        _ => {
            errs.push(
                FieldError::new("positions", "talent_positions_invalid")
                    .with("max", MAX_POSITIONS)
                    .with("value", trim(positions)),
            );
            None
        }
    };
    let description = text("description", description, 2_000, false)
        .map_err(|e| errs.push(e))
        .ok();
    match (title, field, education, positions, description) {
        (Some(title), Some(field), Some(education), Some(positions), Some(description))
            if errs.is_empty() =>
        {
            Ok(Demand {
                title,
                field,
                education,
                positions,
                description,
            })
        }
        _ => Err(errs),
    }
}

/// Checks a talent record; every problem, each naming its field.
pub fn talent(
    name: &str,
    category: &str,
    field: &str,
    edu: &str,
    note: &str,
) -> Result<Talent, Vec<FieldError>> {
    let mut errs = Vec::new();
    let name = text("name", name, 50, true).map_err(|e| errs.push(e)).ok();
    let cat = trim(category);
    let category = match CATEGORIES.iter().find(|c| **c == cat) {
        Some(c) => Some(c.to_string()),
        None => {
            errs.push(FieldError::new("category", "talent_category_invalid").with("value", cat));
            None
        }
    };
    let field = text("field", field, 50, true)
        .map_err(|e| errs.push(e))
        .ok();
    let education = education(edu).map_err(|e| errs.push(e)).ok();
    let note = text("note", note, 1_000, false)
        .map_err(|e| errs.push(e))
        .ok();
    match (name, category, field, education, note) {
        (Some(name), Some(category), Some(field), Some(education), Some(note))
            if errs.is_empty() =>
        {
            Ok(Talent {
                name,
                category,
                field,
                education,
                note,
            })
        }
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_demand_passes() {
        let d = demand(" 电池研发工程师 ", "新型储能", "硕士", "3", "")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d.title, "电池研发工程师");
        assert_eq!(d.positions, 3);
    }

    #[test]
    fn a_bad_demand_names_every_field() {
        let e = demand("", "", "小学", "0", "").err().unwrap_or_default();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "field", "education", "positions"]);
        let e = demand("a", "b", "本科", "1001", "")
            .err()
            .unwrap_or_default();
        assert_eq!(e[0].code, "talent_positions_invalid");
    }

    #[test]
    fn talent_categories_are_checked() {
        assert!(talent("张三", "领军人才", "储能", "博士", "").is_ok());
        let e = talent("张三", "明星", "储能", "博士", "")
            .err()
            .unwrap_or_default();
        assert_eq!(e[0].code, "talent_category_invalid");
    }
}
