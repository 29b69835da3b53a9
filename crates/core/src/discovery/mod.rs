//! Discovery (`opsdeck discover`): what an account holds, and the ready `[environments.NAME]`
//! table that watches it. The adapters read the account; choosing what belongs to the
//! environment and writing the table is pure, and lives here.

mod inventory;
mod select;
mod table;
mod tags;

pub use inventory::{
    FoundAlarm, FoundCacheGroup, FoundCluster, FoundDatabase, FoundGroup, FoundLoadBalancer,
    FoundService, FoundTargetGroup, Inventory, Tags,
};
pub use select::{MAX_LOG_GROUPS, Selection, select};
pub use table::{Origin, environment_name, origin_problem, render_table};
pub use tags::{TagFilter, matches_all};
