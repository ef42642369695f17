//! What is asked of the Price List for a region, and which answer is which
//! price. Each service's products are filtered by their SKU attributes
//! (`regionCode`, and for EC2 the on-demand Linux shared-tenancy instance),
//! read page by page, and told apart by their usage type, which names the
//! same product in every region once its region prefix is dropped.

use std::collections::BTreeMap;

use super::parse::{self, Product, Skip, Skipped};

/// One service's products in a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Lambda,
    Fargate,
    Eks,
    Ec2,
    ApiGateway,
    Emr,
}

pub const ALL: [Service; 6] = [
    Service::Lambda,
    Service::Fargate,
    Service::Eks,
    Service::Ec2,
    Service::ApiGateway,
    Service::Emr,
];

/// What instance type names are made of: a type is written into a price
/// file as a key, so nothing else may be.
fn instance_type(p: &Product) -> Option<&str> {
    p.attr("instanceType").filter(|t| {
        !t.is_empty() && t.len() <= 40 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    })
}

/// EMR's fee products: one an instance type, on top of its EC2 rate.
const EMR_FAMILY: &str = "Elastic Map Reduce Instance";

impl Service {
    /// The Price List's service code.
    pub fn code(self) -> &'static str {
        match self {
            Service::Lambda => "AWSLambda",
            Service::Fargate => "AmazonECS",
            Service::Eks => "AmazonEKS",
            Service::Ec2 => "AmazonEC2",
            Service::ApiGateway => "AmazonApiGateway",
            Service::Emr => "ElasticMapReduce",
        }
    }

    /// The attributes every product asked for has.
    pub fn filters(self, region: &str) -> Vec<(&'static str, String)> {
        let mut f = vec![("regionCode", region.to_string())];
        if self == Service::Ec2 {
            // One product an instance type: on-demand Linux on shared
            // hardware, no software or licence, capacity in use (not a
            // reservation's unused hours).
            for (k, v) in [
                ("operatingSystem", "Linux"),
                ("tenancy", "Shared"),
                ("preInstalledSw", "NA"),
                ("licenseModel", "No License required"),
                ("capacitystatus", "Used"),
            ] {
                f.push((k, v.to_string()));
            }
        }
        if self == Service::Emr {
            // EMR on EC2's per-instance fee; not EMR on EKS, Serverless or
            // Outposts, which the same service code also prices.
            f.push(("productFamily", EMR_FAMILY.to_string()));
            f.push(("softwareType", "EMR".to_string()));
        }
        f
    }

    /// Which price a product is: its section, its key there, and what its
    /// unit's price is multiplied by to be that key's (Lambda's requests are
    /// priced one by one, the file says per million). `None`: not one of ours.
    pub fn key(self, p: &Product) -> Option<(&'static str, String, f64)> {
        let usage = p.usage();
        let fixed = |section: &'static str, key: &str, scale: f64| Some((section, key.to_string(), scale));
        match (self, usage) {
            (Service::Lambda, "Request") => fixed("lambda", "usd-per-million-requests", 1e6),
            (Service::Lambda, "Lambda-GB-Second") => fixed("lambda", "usd-per-gb-second-x86-64", 1.0),
            (Service::Lambda, "Lambda-GB-Second-ARM") => fixed("lambda", "usd-per-gb-second-arm64", 1.0),
            (Service::Fargate, "Fargate-vCPU-Hours:perCPU") => fixed("fargate", "usd-per-vcpu-hour-x86-64", 1.0),
            (Service::Fargate, "Fargate-GB-Hours") => fixed("fargate", "usd-per-gb-hour-x86-64", 1.0),
            (Service::Fargate, "Fargate-ARM-vCPU-Hours:perCPU") => fixed("fargate", "usd-per-vcpu-hour-arm64", 1.0),
            (Service::Fargate, "Fargate-ARM-GB-Hours") => fixed("fargate", "usd-per-gb-hour-arm64", 1.0),
            (Service::Eks, "AmazonEKS-Hours:perCluster") => fixed("eks", "standard", 1.0),
            // A surcharge on top of the standard hour, not the total.
            (Service::Eks, "AmazonEKS-Hours:extendedSupport") => fixed("eks", "extended-surcharge", 1.0),
            (Service::Ec2, u) if u.starts_with("BoxUsage:") => {
                // Linux is RunInstances; other operations are other systems.
                if p.attr("operation").is_some_and(|o| o != "RunInstances") {
                    return None;
                }
                Some(("ec2.instance-types", instance_type(p)?.to_string(), 1.0))
            }
            // Requests are priced one by one; the file says per million.
            (Service::ApiGateway, "ApiGatewayRequest") => fixed("apigateway", "usd-per-million-rest-requests", 1e6),
            (Service::ApiGateway, "ApiGatewayHttpRequest") => fixed("apigateway", "usd-per-million-http-requests", 1e6),
            (Service::ApiGateway, "ApiGatewayMessage") => fixed("apigateway", "usd-per-million-websocket-messages", 1e6),
            (Service::Emr, _) => {
                // A filter the service ignored must not bring in another
                // kind of product (EMR on EKS, Serverless).
                if p.attr("softwareType").is_some_and(|s| s != "EMR") {
                    return None;
                }
                Some(("emr.fee", instance_type(p)?.to_string(), 1.0))
            }
            _ => None,
        }
    }
}

/// A price found: dollars a unit of the file's key, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub usd: f64,
    pub sku: String,
    pub usage: String,
    /// EC2: the instance type's vCPUs, for the per-vCPU rate.
    pub vcpu: Option<f64>,
}

/// What a region's answers priced, by section and key, and what they skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub rates: BTreeMap<(&'static str, String), Rate>,
    pub skipped: Skipped,
    /// The latest offer publication date seen.
    pub published: Option<String>,
}

impl Found {
    /// Sorts one page's entries into prices.
    pub fn add(&mut self, service: Service, region: &str, entries: &[String]) {
        for e in entries {
            let p = match parse::product(e) {
                Ok(p) => p,
                Err(s) => {
                    self.skipped.add(s);
                    continue;
                }
            };
            // A filter the service ignored must not bring another region's price in.
            let key = match p.attr("regionCode") {
                Some(r) if r != region => None,
                _ => service.key(&p),
            };
            let Some((section, key, scale)) = key else {
                self.skipped.add(Skip::Unknown);
                continue;
            };
            if self.rates.contains_key(&(section, key.clone())) {
                self.skipped.add(Skip::Again);
                continue;
            }
            if let Some(d) = &p.published {
                if self.published.as_ref().is_none_or(|seen| d > seen) {
                    self.published = Some(d.clone());
                }
            }
            let rate = Rate {
                usd: p.usd * scale,
                sku: p.sku.clone(),
                usage: p.attr("usagetype").unwrap_or("").to_string(),
                vcpu: p.attr("vcpu").and_then(|v| v.parse().ok()),
            };
            self.rates.insert((section, key), rate);
        }
    }

    pub fn get(&self, section: &'static str, key: &str) -> Option<&Rate> {
        self.rates.get(&(section, key.to_string()))
    }
}

/// A region's prices: each service's products, sorted into prices.
pub async fn region(client: &crate::aws::pricelist::Client, region: &str) -> Result<Found, crate::cost::ListError> {
    let mut found = Found::default();
    for service in ALL {
        client
            .products(service.code(), &service.filters(region), |page| found.add(service, region, page))
            .await
            .map_err(|error| crate::cost::ListError::Call { service: service.code(), error })?;
    }
    Ok(found)
}
