//! Who may do what: roles, and the status workflow of parcels and building spaces.

use super::enums::UnknownValue;
use super::SpaceStatus;

/// A caller's role; each includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Role {
    /// Anonymous: published layers and public fields only.
    #[default]
    Public,
    /// Investment promoter: matches, negotiation details, status changes.
    Promoter,
    /// GIS editor: geometry and attributes, imports.
    Editor,
    /// Administrator: tokens.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 4] = [Role::Public, Role::Promoter, Role::Editor, Role::Admin];

    /// The name used in tokens and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Public => "public",
            Role::Promoter => "promoter",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Role, UnknownValue> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or(UnknownValue { given: s.to_string(), allowed: "public, promoter, editor, admin" })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionRefused {
    /// The caller's role is below promoter.
    #[error("changing a status needs the promoter role")]
    NeedsPromoter,
    /// Setting a space idle is for editors.
    #[error("{from} → idle is for editors")]
    IdleForEditors {
        /// The status stored.
        from: SpaceStatus,
    },
    /// The workflow has no such step.
    #[error("{from} → {to} is not an allowed transition (available → negotiating → reserved → leased/sold; negotiating/reserved → available; leased → available; any → idle by editors)")]
    NotAllowed {
        /// The status stored.
        from: SpaceStatus,
        /// The status asked for.
        to: SpaceStatus,
    },
}

impl TransitionRefused {
    /// The reason in Chinese, with the statuses' Chinese labels.
    pub fn zh(&self) -> String {
        use SpaceStatus::*;
        match self {
            TransitionRefused::NeedsPromoter => "修改状态需要招商人员（promoter）及以上角色".into(),
            TransitionRefused::IdleForEditors { from } => format!("只有编辑人员能把状态从 {} 改为 {}", from.zh(), Idle.zh()),
            TransitionRefused::NotAllowed { from, to } => format!(
                "状态不能从 {} 改为 {}（允许：{} → {} → {} → {}/{}；{}/{} → {}；{} → {}；编辑人员可把任何状态改为 {}）",
                from.zh(),
                to.zh(),
                Available.zh(),
                Negotiating.zh(),
                Reserved.zh(),
                Leased.zh(),
                Sold.zh(),
                Negotiating.zh(),
                Reserved.zh(),
                Available.zh(),
                Leased.zh(),
                Available.zh(),
                Idle.zh()
            ),
        }
    }
}

/// Checks a status change: available → negotiating → reserved → leased or sold;
/// negotiating or reserved → available (talks end); leased → available (the lease ends);
/// any → idle, by editors. Returns why a change is refused.
pub fn check_transition(from: SpaceStatus, to: SpaceStatus, role: Role) -> Result<(), TransitionRefused> {
    use SpaceStatus::*;
    if role < Role::Promoter {
        return Err(TransitionRefused::NeedsPromoter);
    }
    let allowed = match (from, to) {
        (Available, Negotiating) | (Negotiating, Reserved) | (Reserved, Leased | Sold) => true,
        (Negotiating | Reserved, Available) | (Leased, Available) => true,
        (_, Idle) if from != Idle => {
            if role < Role::Editor {
                return Err(TransitionRefused::IdleForEditors { from });
            }
            true
        }
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(TransitionRefused::NotAllowed { from, to })
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use SpaceStatus::*;

    #[test]
    fn the_listed_transitions_and_no_others() {
        let allowed = [
            (Available, Negotiating),
            (Negotiating, Reserved),
            (Reserved, Leased),
            (Reserved, Sold),
            (Negotiating, Available),
            (Reserved, Available),
            (Leased, Available),
        ];
        for &from in SpaceStatus::ALL {
            for &to in SpaceStatus::ALL {
                let by_promoter = check_transition(from, to, Role::Promoter).is_ok();
                assert_eq!(by_promoter, allowed.contains(&(from, to)), "{from} → {to} by a promoter");
                let by_editor = check_transition(from, to, Role::Editor).is_ok();
                assert_eq!(by_editor, allowed.contains(&(from, to)) || (to == Idle && from != Idle), "{from} → {to} by an editor");
                assert!(check_transition(from, to, Role::Public).is_err());
            }
        }
        let refused = check_transition(Sold, Idle, Role::Promoter).unwrap_err();
        assert_eq!((refused.to_string().as_str(), refused.zh().as_str()), ("sold → idle is for editors", "只有编辑人员能把状态从 已出让 改为 闲置/低效"));
        let refused = check_transition(Sold, Negotiating, Role::Promoter).unwrap_err();
        assert!(refused.to_string().starts_with("sold → negotiating is not an allowed transition (available → negotiating"), "{refused}");
        assert!(refused.zh().starts_with("状态不能从 已出让 改为 洽谈中（允许：可供应 → 洽谈中 → 已预留 → 已出租/已出让；"), "{}", refused.zh());
    }

    #[test]
    fn roles_are_ordered_and_parse() {
        assert!(Role::Admin > Role::Editor && Role::Editor > Role::Promoter && Role::Promoter > Role::Public);
        assert_eq!("editor".parse::<Role>().unwrap(), Role::Editor);
        assert!("boss".parse::<Role>().is_err());
    }
}
