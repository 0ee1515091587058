//! The integration tests, gathered into one binary so that the suite links once.

mod common;

mod cli;
mod crash;
mod edits;
mod freshness;
mod http;
mod index;
mod inventory;
mod matcher;
mod messages_edits;
mod messages_features;
mod messages_match;
mod ogc;
mod openapi;
mod policies;
mod projects;
mod publish;
mod raw_target;
mod scopes;
mod sheets;
mod startup;
mod store;
mod tiles;
mod winding;
mod xlsx;
