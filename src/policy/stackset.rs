//! `iam-policy --stackset`: the member role as a CloudFormation template,
//! written from the same action list as `iam-policy`, so a template a user
//! deploys today grants what this build calls, not what the docs once listed.

/// The template's head: parameters, the role and its trust policy. The
/// trust names the account awstop runs in; an external ID is optional.
const HEAD: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Description: The read-only role awstop assumes in each member account.
Parameters:
  ManagementAccountId:
    Type: String
    AllowedPattern: "^[0-9]{12}$"
    Description: The account awstop runs in (the management account or a delegated administrator).
  RoleName:
    Type: String
    Default: awstop-read
  ExternalId:
    Type: String
    Default: ""
    Description: Optional. When set, awstop must present it (external_id in the config).
Conditions:
  HasExternalId: !Not [!Equals [!Ref ExternalId, ""]]
Resources:
  AwstopReadRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref RoleName
      MaxSessionDuration: 3600
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${ManagementAccountId}:root"
            Action: sts:AssumeRole
            Condition: !If
              - HasExternalId
              - StringEquals:
                  sts:ExternalId: !Ref ExternalId
              - !Ref AWS::NoValue
      Policies:
        - PolicyName: awstop-read-only
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Sid: AwstopReadOnly
                Effect: Allow
                Action:
"#;

const TAIL: &str = r#"                Resource: "*"
Outputs:
  RoleArn:
    Value: !GetAtt AwstopReadRole.Arn
"#;

/// The template: the member role with exactly `iam-policy`'s actions.
pub fn member_template() -> String {
    let mut out = String::from(HEAD);
    for a in super::actions() {
        // Actions are `service:Operation`, letters only: plain YAML scalars.
        out.push_str("                  - ");
        out.push_str(a);
        out.push('\n');
    }
    out.push_str(TAIL);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_listed_once_in_the_role_policy() {
        let t = member_template();
        let listed: Vec<&str> = t
            .lines()
            .skip_while(|l| l.trim() != "Action:")
            .skip(1)
            .take_while(|l| l.trim_start().starts_with("- "))
            .map(|l| l.trim_start().trim_start_matches("- "))
            .collect();
        assert_eq!(listed, super::super::actions());
        assert!(t.ends_with("!GetAtt AwstopReadRole.Arn\n"));
    }
}
