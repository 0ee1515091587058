//! The scope rule for writes: an edit touches only places within its actor's scope, before
//! and after the change (a feature moved across a boundary needs a scope covering both).
//! Every store gets its edits through here, so the rule is written once.

use super::{Actor, Bilingual, Change, Edit, StoreError};
use crate::inventory::{Snapshot, Space};
use crate::model::Place;

/// Refuses `edit` (403) when its actor's scope does not cover the feature, as `snapshot`
/// holds it and as the edit leaves it. A status change of a feature whose version in
/// `snapshot` is not the one the caller saw is a conflict: its place cannot be vouched for.
pub fn authorize(snapshot: &Snapshot, edit: &Edit) -> Result<(), StoreError> {
    let coverage = snapshot.coverage(&edit.actor.scope);
    let check = |space: &Space| {
        let place = space.place();
        if coverage.covers(place) {
            Ok(())
        } else {
            Err(outside(snapshot, &edit.actor, space, place))
        }
    };
    match &edit.change {
        Change::Status(change) => {
            let Some(current) = snapshot.space(change.layer, &change.id) else { return Ok(()) };
            if current.version() != change.expected_version {
                return Err(StoreError::Conflict { layer: change.layer, id: change.id.clone(), expected: change.expected_version, current: current.version() });
            }
            check(&current)
        }
        Change::Create(after) => check(after),
        Change::Update { before, after, .. } => check(before).and_then(|()| check(after)),
        Change::Delete { before, .. } => check(before),
    }
}

/// The 403 naming the actor's scope and where the feature is.
fn outside(snapshot: &Snapshot, actor: &Actor, space: &Space, place: Place) -> StoreError {
    let district_name = snapshot.districts.get(place.district).map_or("", |d| d.name.as_str());
    let park = place.park.and_then(|p| snapshot.parks.get(p));
    let (where_en, where_zh) = match park {
        Some(p) if p.own_office => (
            format!("in park {} ({}), which keeps its own inventory, in district {} {district_name}", p.id, p.name, place.district),
            format!("位于自有管理机构的园区 {}（{}），所在区 {} {district_name}", p.id, p.name, place.district),
        ),
        Some(p) => (format!("in district {} {district_name}, park {} ({})", place.district, p.id, p.name), format!("位于区 {} {district_name}，园区 {}（{}）", place.district, p.id, p.name)),
        None => (format!("in district {} {district_name}", place.district), format!("位于区 {} {district_name}", place.district)),
    };
    let (layer, id) = (space.layer(), space.id());
    StoreError::Forbidden(Bilingual::new(
        format!("the token '{}' keeps {}; {layer} '{id}' is {where_en}", actor.name, actor.scope.label()),
        format!("令牌 '{}' 的范围是{}；{} '{id}' {where_zh}，不在范围内", actor.name, actor.scope.label_zh(), layer.zh()),
    ))
}
