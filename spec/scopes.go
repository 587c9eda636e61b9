package spec

import "slices"

// The scopes the Users API itself requires. Every other scope of the catalogue can be granted and asked for, but no
// operation of this API needs it.
const (
	// ScopeRead lets a client list and show users (GET /api/users, GET /api/users/{id}).
	ScopeRead = "core.user.read"
	// ScopeWrite lets a client create and update users (POST, PUT, PATCH).
	ScopeWrite = "core.user.write"
)

// scopes is Coupa's OAuth 2.0 scope catalogue, in byte order. It is the union of two public copies of it:
//
//   - Coupa's table "OAuth Scopes and Associated Permissions" as of R34.3.0, copied in rossumai/university,
//     docs/learn/coupa/oauth-scopes.md (commit 1385218d, 2024-09-18): 128 names;
//   - the DEFAULT_SCOPES that IBM tool_guard's Coupa client asks for in one token request,
//     eval/agent_ready_tools/clients/coupa_client.py (commit b5eafff, 2025-09-25): 148 names.
//
// They share 124 names. The 28 that only tool_guard asks for are absent from the R34.3.0 table; a token request
// naming a scope Coupa does not know fails, so they existed where tool_guard was written. The 4 that only the table
// has look like misspellings of tool_guard's (receiveing, expenses, sourcing_information_sites), but they are how
// Coupa's own table spells them and a client may have copied them, so both spellings are kept. Marked below: (t)
// tool_guard only, (r) the R34.3.0 table only.
var scopes = [...]string{
	"core.accounting.read",
	"core.accounting.write",
	"core.approval.configuration.read",  // (t)
	"core.approval.configuration.write", // (t)
	"core.approval.read",
	"core.approval.write",
	"core.budget.read",
	"core.budget.write",
	"core.business_entity.read",
	"core.business_entity.write",
	"core.catalog.read",
	"core.catalog.write",
	"core.comment.read",
	"core.comment.write",
	"core.common.read",
	"core.common.write",
	"core.contract.read",
	"core.contract.write",
	"core.contracts_template.read",  // (t)
	"core.contracts_template.write", // (t)
	"core.easy_form.read",           // (t)
	"core.easy_form.write",          // (t)
	"core.easy_form_response.approval.write",
	"core.easy_form_response.read",
	"core.easy_form_response.write",
	"core.expense.read",
	"core.expense.secure.read",
	"core.expense.secure.write",
	"core.expense.write",
	"core.financial_counterparty.read",
	"core.financial_counterparty.write",
	"core.global_navigation.read",
	"core.integration.read",
	"core.integration.write",
	"core.inventory.adjustment.read",
	"core.inventory.adjustment.write",
	"core.inventory.asn.read",
	"core.inventory.asn.write",
	"core.inventory.balance.read",
	"core.inventory.common.read",
	"core.inventory.common.write",
	"core.inventory.consumption.read",
	"core.inventory.consumption.write",
	"core.inventory.cycle_counts.read",
	"core.inventory.cycle_counts.write",
	"core.inventory.pick_list.read",
	"core.inventory.pick_list.write",
	"core.inventory.receiveing.read", // (r)
	"core.inventory.receiving.read",  // (t)
	"core.inventory.receiving.write",
	"core.inventory.return_to_supplier.read",
	"core.inventory.return_to_supplier.write",
	"core.inventory.transaction.read", // (t)
	"core.inventory.transfer.read",
	"core.inventory.transfer.write",
	"core.invoice.approval.bypass",
	"core.invoice.approval.write",
	"core.invoice.create",
	"core.invoice.delete",
	"core.invoice.read",
	"core.invoice.write",
	"core.item.read",
	"core.item.write",
	"core.legal_entity.read",
	"core.legal_entity.write",
	"core.notifications_summary.read",  // (t)
	"core.notifications_summary.write", // (t)
	"core.object_translations.read",
	"core.object_translations.write",
	"core.order_header_confirmations.read",  // (t)
	"core.order_header_confirmations.write", // (t)
	"core.order_pad.read",
	"core.order_pad.write",
	"core.pay.charges.read",
	"core.pay.charges.write",
	"core.pay.payment_accounts.read",
	"core.pay.payments.read",
	"core.pay.payments.write",
	"core.pay.statements.read",
	"core.pay.statements.write",
	"core.pay.virtual_cards.read",
	"core.pay.virtual_cards.write",
	"core.payables.allocations.read",
	"core.payables.allocations.write",
	"core.payables.expense.read",
	"core.payables.expense.write",  // (t)
	"core.payables.expenses.write", // (r)
	"core.payables.external.read",
	"core.payables.external.write",
	"core.payables.invoice.read",
	"core.payables.invoice.write",
	"core.payables.order.read",
	"core.payables.order.write",
	"core.project.read",
	"core.project.write",
	"core.punchout_site.read",  // (t)
	"core.punchout_site.write", // (t)
	"core.purchase_order.read",
	"core.purchase_order.write",
	"core.purchase_order_change.read",  // (t)
	"core.purchase_order_change.write", // (t)
	"core.requisition.read",
	"core.requisition.write",
	"core.revision_record.read", // (t)
	"core.sourcing.pending_supplier.read",
	"core.sourcing.pending_supplier.write",
	"core.sourcing.read",
	"core.sourcing.response.award.write",
	"core.sourcing.response.read",
	"core.sourcing.response.write",
	"core.sourcing.write",
	"core.sourcing_information_sites.read",  // (r)
	"core.sourcing_information_sites.write", // (r)
	"core.supplier.read",
	"core.supplier.risk_aware.read",
	"core.supplier.risk_aware.write",
	"core.supplier.write",
	"core.supplier_information_sites.read",  // (t)
	"core.supplier_information_sites.write", // (t)
	"core.supplier_information_tax_registrations.delete",
	"core.supplier_information_tax_registrations.read",
	"core.supplier_information_tax_registrations.write",
	"core.supplier_sharing_settings.read",
	"core.supplier_sharing_settings.write",
	"core.supplier_sites.read",
	"core.supplier_sites.write",
	"core.translation.read",  // (t)
	"core.translation.write", // (t)
	"core.uom.read",
	"core.uom.write",
	"core.user.read",
	"core.user.write",
	"core.user_group.read",
	"core.user_group.write",
	"email",
	"login",
	"offline_access",
	"openid",
	"profile",
	"travel_booking.common.read",
	"travel_booking.search.write",
	"travel_booking.team.read",
	"travel_booking.team.write",
	"travel_booking.trip.read",
	"travel_booking.trip.write",
	"travel_booking.user.read",
	"travel_booking.user.write",
	"treasury.cash_management.delete",
	"treasury.cash_management.read",
	"treasury.cash_management.write",
	"treasury.financial_instruments.money_market_fund.write", // (t)
	"treasury.financial_instruments.read",                    // (t)
}

// Scopes returns Coupa's OAuth 2.0 scope catalogue (about 150 names of the form service.object.right, such as
// core.common.read, plus the OpenID Connect scopes openid, email, profile, offline_access and login), sorted. The
// fake grants any of them; the OpenAPI document lists them. The result is a fresh slice.
func Scopes() []string { return slices.Clone(scopes[:]) }
