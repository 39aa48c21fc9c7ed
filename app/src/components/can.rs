//! Role-aware rendering: `<Can needed=Role::Operator>…</Can>` shows its children only to
//! accounts whose role allows it (the server refuses the same actions regardless).

use crate::dto::{Me, Role};
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in account, loaded once by the navigation shell.
#[derive(Clone, Copy)]
pub struct CurrentAccount(pub Resource<Result<Me, AppError>>);

#[component]
pub fn Can(needed: Role, children: ChildrenFn, #[prop(optional, into)] fallback: ViewFn) -> impl IntoView {
    let account = use_context::<CurrentAccount>();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (children, fallback) = (children.clone(), fallback.clone());
                Suspend::new(async move {
                    let role = match account {
                        Some(CurrentAccount(r)) => r.await.ok().map(|m| m.role),
                        None => None,
                    };
                    if role.is_some_and(|r| r.allows(needed)) {
                        children().into_any()
                    } else {
                        fallback.run().into_any()
                    }
                })
            }}
        </Suspense>
    }
}
