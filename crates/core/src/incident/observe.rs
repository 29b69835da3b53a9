//! What changed between two polls, as timeline entries: alarm state changes, scaling
//! activities and capacity changes, instance refreshes and ECS deployments. Pure functions of
//! the old and new data.

use super::{EntryKind, TimelineEntry};
use crate::model::{Alarm, AlarmState, AutoScalingGroup, EcsService, Timestamp};

fn entry(at: Timestamp, kind: EntryKind, text: String) -> TimelineEntry {
    TimelineEntry { at, kind, text }
}

/// Alarms that changed state. On the first reading (`old` empty) only the alarms already
/// firing are recorded: that is where the incident stands.
pub fn alarm_changes(old: &[Alarm], new: &[Alarm], at: Timestamp) -> Vec<TimelineEntry> {
    new.iter()
        .filter_map(|alarm| {
            let before = old.iter().find(|o| o.name == alarm.name).map(|o| o.state);
            let text = match before {
                Some(before) if before != alarm.state => format!(
                    "{}: {} → {}",
                    alarm.name,
                    before.as_str(),
                    alarm.state.as_str()
                ),
                None if old.is_empty() && alarm.state == AlarmState::Alarm => {
                    format!("{}: in ALARM", alarm.name)
                }
                None if !old.is_empty() => {
                    format!("{}: new alarm, {}", alarm.name, alarm.state.as_str())
                }
                _ => return None,
            };
            Some(entry(at, EntryKind::Alarm, text))
        })
        .collect()
}

/// Capacity changes, new scaling activities (one entry per poll, however many) and
/// instance refresh progress of each group.
pub fn scaling_changes(
    old: &[AutoScalingGroup],
    new: &[AutoScalingGroup],
    at: Timestamp,
) -> Vec<TimelineEntry> {
    let mut entries = Vec::new();
    for group in new {
        let Some(before) = old.iter().find(|o| o.name == group.name) else {
            continue;
        };
        if (before.min_size, before.desired_capacity, before.max_size)
            != (group.min_size, group.desired_capacity, group.max_size)
        {
            entries.push(entry(
                at,
                EntryKind::Scaling,
                format!(
                    "{}: min/desired/max {}/{}/{} → {}/{}/{}",
                    group.name,
                    before.min_size,
                    before.desired_capacity,
                    before.max_size,
                    group.min_size,
                    group.desired_capacity,
                    group.max_size
                ),
            ));
        }
        let fresh: Vec<_> = group
            .activities
            .iter()
            .filter(|activity| !before.activities.iter().any(|b| b.id == activity.id))
            .collect();
        if let Some(newest) = fresh.first() {
            let more = match fresh.len() {
                1 => String::new(),
                count => format!(" (+{} more)", count - 1),
            };
            entries.push(entry(
                at,
                EntryKind::Scaling,
                format!("{}: {}{more}", group.name, newest.description),
            ));
        }
        entries.extend(refresh_change(before, group, at));
    }
    entries
}

fn refresh_change(
    before: &AutoScalingGroup,
    group: &AutoScalingGroup,
    at: Timestamp,
) -> Option<TimelineEntry> {
    let refresh = group.instance_refresh.as_ref()?;
    let same = before
        .instance_refresh
        .as_ref()
        .is_some_and(|old| old.id == refresh.id && old.status == refresh.status);
    if same {
        return None;
    }
    Some(entry(
        at,
        EntryKind::Deployment,
        format!(
            "{}: instance refresh {} {} ({} %)",
            group.name, refresh.id, refresh.status, refresh.percentage_complete
        ),
    ))
}

/// Desired count changes, new deployments and rollout state changes of each service.
pub fn ecs_changes(old: &[EcsService], new: &[EcsService], at: Timestamp) -> Vec<TimelineEntry> {
    let mut entries = Vec::new();
    for service in new {
        let Some(before) = old
            .iter()
            .find(|o| o.cluster == service.cluster && o.name == service.name)
        else {
            continue;
        };
        if before.desired_count != service.desired_count {
            entries.push(entry(
                at,
                EntryKind::Scaling,
                format!(
                    "ECS {}: desired count {} → {}",
                    service.name, before.desired_count, service.desired_count
                ),
            ));
        }
        for deployment in &service.deployments {
            let text = match before.deployments.iter().find(|d| d.id == deployment.id) {
                None => format!(
                    "ECS {}: deployment {} started ({})",
                    service.name, deployment.id, deployment.task_definition
                ),
                Some(old) if old.rollout_state != deployment.rollout_state => format!(
                    "ECS {}: deployment {} {}",
                    service.name, deployment.id, deployment.rollout_state
                ),
                Some(_) => continue,
            };
            entries.push(entry(at, EntryKind::Deployment, text));
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm(name: &str, state: AlarmState) -> Alarm {
        Alarm {
            name: name.to_owned(),
            state,
            reason: String::new(),
            state_updated_at: Timestamp::default(),
            metric: None,
        }
    }

    #[test]
    fn an_alarm_change_is_one_entry_and_a_steady_alarm_none() {
        let at = Timestamp::default();
        let old = [alarm("5xx", AlarmState::Ok), alarm("cpu", AlarmState::Ok)];
        let new = [
            alarm("5xx", AlarmState::Alarm),
            alarm("cpu", AlarmState::Ok),
        ];
        let entries = alarm_changes(&old, &new, at);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].text, "5xx: OK → ALARM");
        assert!(alarm_changes(&new, &new, at).is_empty());
    }

    #[test]
    fn the_first_reading_records_only_firing_alarms() {
        let at = Timestamp::default();
        let new = [
            alarm("5xx", AlarmState::Alarm),
            alarm("cpu", AlarmState::Ok),
        ];
        let entries = alarm_changes(&[], &new, at);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].text, "5xx: in ALARM");
    }
}
