//! The console's pages as lazy routes: with `cargo leptos build --split` each page's view
//! code is a separate WASM chunk that the browser fetches when the page is first shown, so
//! the first visit downloads the shell and one page instead of the whole console. On the
//! server (`ssr`) a lazy route renders like any other.

use crate::pages;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// `lazy_page!(Route, page::Component)` declares a route type whose view is `<Component/>`,
/// loaded on demand. Pages fetch their own data, so the route's data half is empty.
macro_rules! lazy_page {
    ($route:ident, $($page:ident)::+) => {
        #[doc = concat!("Lazy route for `", stringify!($($page)::+), "`.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $($page)::+().into_any()
            }
        }
    };
}

lazy_page!(UsersRoute, pages::users::UsersPage);
lazy_page!(UserLookupRoute, pages::users::UserLookupPage);
lazy_page!(SegmentsRoute, pages::segments::SegmentsPage);
lazy_page!(SegmentEditorRoute, pages::segments::SegmentEditorPage);
lazy_page!(CampaignsRoute, pages::campaigns::CampaignsPage);
lazy_page!(CampaignBuilderRoute, pages::campaigns::CampaignBuilderPage);
lazy_page!(CampaignRoute, pages::campaigns::CampaignPage);
lazy_page!(LedgerRoute, pages::ledger::LedgerPage);
lazy_page!(TroubleshootRoute, pages::troubleshoot::TroubleshootPage);
lazy_page!(SuppressionsRoute, pages::suppressions::SuppressionsPage);
lazy_page!(SmsSettingsRoute, pages::sms_settings::SmsSettingsPage);
lazy_page!(AccountRoute, pages::account::AccountPage);
lazy_page!(AccountsRoute, pages::admin::AccountsPage);
lazy_page!(TokensRoute, pages::admin::TokensPage);
lazy_page!(AuditRoute, pages::admin::AuditPage);
