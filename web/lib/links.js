// links.js — the UI page of a document from its collection (api type) and number: the queue,
// the notifications and any list that names a document of another kind link through here.

const PATHS = {
  'expense-applications': '/market/expenses',
  'pop-requests': '/market/pop',
  samples: '/market/samples',
  'inventory-reports': '/market/inventory',
  'support-requests': '/market/support',
};

/** '/orders/SC…' for ('orders', 'SC…'); null when there is no type. */
export function docHref(type, number) {
  if (!type || !number) return null;
  return `${PATHS[type] || `/${type}`}/${encodeURIComponent(number)}`;
}
