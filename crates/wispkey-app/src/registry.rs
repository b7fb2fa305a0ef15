//! The providers this build knows, chosen at run time by an account's `provider` id.

use std::sync::Arc;

use wispkey_core::error::{Error, Result};
use wispkey_core::provider::{ProviderDescriptor, ProviderKind};

#[derive(Clone, Default)]
pub struct Registry {
    kinds: Vec<Arc<dyn ProviderKind>>,
}

impl Registry {
    pub fn with(mut self, kind: impl ProviderKind + 'static) -> Self {
        self.kinds.push(Arc::new(kind));
        self
    }

    pub fn get(&self, provider: &str) -> Result<&Arc<dyn ProviderKind>> {
        self.kinds
            .iter()
            .find(|kind| kind.descriptor().id == provider)
            .ok_or_else(|| Error::UnknownProvider {
                provider: provider.to_owned(),
            })
    }

    pub fn kinds(&self) -> impl Iterator<Item = &Arc<dyn ProviderKind>> {
        self.kinds.iter()
    }

    pub fn descriptors(&self) -> Vec<ProviderDescriptor> {
        self.kinds
            .iter()
            .map(|kind| kind.descriptor().clone())
            .collect()
    }
}
