// roles.js — the roles of numbering-and-rules.md §1, as a dictionary for filters and labels.
// Who may do what is the server's answer (GET /me `can`, each document's allowed_actions).

export const ALL = [
  'gm', 'sales_director', 'deputy_director', 'ssg_leader', 'csr', 'mm', 'um', 'kam', 'rep',
  'finance', 'warehouse', 'customer_service', 'marketing', 'auditor', 'admin',
];
