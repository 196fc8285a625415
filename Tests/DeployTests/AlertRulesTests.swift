import Foundation
import TestSupport
import WorkerTestSupport
import Testing

/// `deploy/prometheus`: the rule file passes promtool, carries a runbook for every alert the issue asks for, and the
/// Prometheus operator's copy in `deploy/kubernetes` says the same.
@Suite("Alert rules and Prometheus configuration")
struct AlertRulesTests {
    @Test("promtool check rules passes on deploy/prometheus/alerts.yaml")
    func promtoolChecksRules() throws {
        let output = try ExternalTool.run("promtool", ["check", "rules", DeployFiles.path("prometheus/alerts.yaml")])
        let text = String(decoding: output.stdout, as: UTF8.self) + output.stderr
        #expect(output.status == 0, "promtool check rules failed:\n\(text)")
        #expect(text.contains("SUCCESS"))
    }

    @Test("promtool check config passes on the compose stack's prometheus.yml (it loads alerts.yaml too)")
    func promtoolChecksConfig() throws {
        let output = try ExternalTool.run("promtool", ["check", "config", DeployFiles.path("prometheus/prometheus.yml")])
        #expect(output.status == 0, "promtool check config failed:\n\(String(decoding: output.stdout, as: UTF8.self))\(output.stderr)")
    }

    @Test("Every alert the issue names exists, with a severity and runbook text")
    func alertsHaveRunbooks() throws {
        let required: Set<String> = [
            "AvatarWorkerDown", "AvatarWorkerLagGrowing", "AvatarWorkerDeadLetters", "AvatarWorkerAPIErrors",
            "AvatarWorkerAccountPaused", "AvatarWorkerTasksNearDeadline", "AvatarWorkerRestoreSlow",
        ]
        var seen: Set<String> = []
        for group in try DeployFiles.yaml("prometheus/alerts.yaml")["groups"].array {
            for rule in group["rules"].array {
                let name = rule["alert"].string ?? "?"
                seen.insert(name)
                #expect(["warning", "critical"].contains(rule["labels"]["severity"].string ?? ""), "\(name): severity")
                let runbook = rule["annotations"]["runbook"].string ?? ""
                #expect(runbook.split(separator: "\n").count >= 3, "\(name): the runbook must say what to do")
                #expect(rule["annotations"]["summary"].exists, "\(name): summary")
            }
        }
        #expect(required.subtracting(seen).isEmpty, "missing alerts: \(required.subtracting(seen).sorted())")
    }

    @Test("The PrometheusRule in deploy/kubernetes carries exactly the groups of alerts.yaml")
    func prometheusRuleMatchesRuleFile() throws {
        let ruleFile = try DeployFiles.yaml("prometheus/alerts.yaml")["groups"]
        let resource = try DeployFiles.yaml("kubernetes/prometheusrule.yaml")
        #expect(resource["kind"].string == "PrometheusRule")
        #expect(resource["apiVersion"].string == "monitoring.coreos.com/v1")
        #expect(try resource["spec"]["groups"].jsonData() == ruleFile.jsonData(),
                "deploy/kubernetes/prometheusrule.yaml differs from deploy/prometheus/alerts.yaml: edit both")
    }
}
