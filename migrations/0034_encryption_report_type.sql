-- The fleet encryption report (docs/decisions/0152): a fourth report type, Palisade's own, beside
-- Calico's three. Definitions and runs accept it.

SET LOCAL ROLE palisade_system;

ALTER TABLE report_definitions DROP CONSTRAINT report_definitions_report_type_check;
ALTER TABLE report_definitions ADD CONSTRAINT report_definitions_report_type_check
  CHECK (report_type IN ('inventory', 'network-access', 'policy-audit', 'encryption'));

ALTER TABLE report_runs DROP CONSTRAINT report_runs_report_type_check;
ALTER TABLE report_runs ADD CONSTRAINT report_runs_report_type_check
  CHECK (report_type IN ('inventory', 'network-access', 'policy-audit', 'encryption'));
