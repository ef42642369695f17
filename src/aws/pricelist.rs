//! The Price List Query API's one read: GetProducts (read-only and free), page
//! by page. Its endpoint is in us-east-1 whatever region is priced. What is
//! asked and what the answers mean is `cost::pricelist`'s.

use aws_sdk_pricing::types::{Filter, FilterType};

use super::client::{CallCounter, Connection};
use super::AwsError;

/// The region whose endpoint serves the Price List.
pub const ENDPOINT_REGION: &str = "us-east-1";

/// GetProducts answers up to 100 products a page.
const PAGE: i32 = 100;
/// EC2's instance types in a region are under a thousand: ten pages.
/// An answer that goes on past this is not one awstop understands.
const MAX_PAGES: usize = 40;

#[derive(Debug, Clone)]
pub struct Client(aws_sdk_pricing::Client);

impl Client {
    /// A ready-made client (tests hand in mocked ones).
    pub fn new(client: aws_sdk_pricing::Client) -> Client {
        Client(client)
    }

    /// The account's credentials, at the Price List's endpoint; its calls
    /// counted with the others when `counter` is given.
    pub async fn connect(conn: &Connection, counter: Option<&CallCounter>) -> Client {
        let cfg = super::client::load(conn, Some(ENDPOINT_REGION)).await;
        let mut b = aws_sdk_pricing::config::Builder::from(&cfg);
        if let Some(c) = counter {
            b = b.interceptor(c.clone());
        }
        Client(aws_sdk_pricing::Client::from_conf(b.build()))
    }

    /// Every product of `service_code` whose attributes equal `filters`,
    /// through every page, handed to `page` a page at a time (each a
    /// product's JSON, as AWS writes it): EC2's products carry all their
    /// reserved terms, megabytes a region, and are not all kept at once.
    pub async fn products(
        &self,
        service_code: &str,
        filters: &[(&str, String)],
        mut each: impl FnMut(&[String]),
    ) -> Result<(), AwsError> {
        let mut f = Vec::new();
        for (field, value) in filters {
            f.push(
                Filter::builder()
                    .r#type(FilterType::TermMatch)
                    .field(*field)
                    .value(value)
                    .build()
                    .map_err(|e| AwsError::new(super::ErrorKind::Other, e.to_string()).during("GetProducts"))?,
            );
        }
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .0
                .get_products()
                .service_code(service_code)
                .set_filters(Some(f.clone()))
                .format_version("aws_v1")
                .max_results(PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(&e, None).during("GetProducts"))?;
            each(page.price_list());
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(()),
            }
        }
        Err(AwsError::new(
            super::ErrorKind::Other,
            format!("{service_code}: more than {MAX_PAGES} pages of products"),
        )
        .during("GetProducts"))
    }
}
