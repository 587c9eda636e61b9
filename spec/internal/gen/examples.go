package gen

import (
	"fmt"

	"github.com/coupa-kit/coupa-users/spec/internal/table"
)

// Examples in the document are built here from a few realistic values; tests validate every one of them against
// its schema, so an element added to the table without a plausible example value fails loudly.

var (
	usd       = o("id", 1, "code", "USD", "decimals", 2)
	unitedUS  = o("id", 1, "code", "US", "name", "United States")
	roleUser  = o("id", 3, "name", "User", "description", "Default role for all users", "omnipotent", false, "system-role", true, "created-at", "2019-01-10T08:00:00-08:00", "updated-at", "2019-01-10T08:00:00-08:00")
	jane      = o("id", 42, "login", "jane.doe", "employee-number", "E000042", "firstname", "Jane", "lastname", "Doe", "fullname", "Jane Doe", "email", "jane.doe@example.com", "salesforce-id", null, "avatar-thumb-url", null)
	integrate = o("id", 1, "login", "integration", "employee-number", null, "firstname", "Integration", "lastname", "User", "fullname", "Integration User", "email", "integration@example.com", "salesforce-id", null, "avatar-thumb-url", null)
)

// exampleObjects are the example instances of the associated objects, as returned.
var exampleObjects = map[string]obj{
	"UserRef":  jane,
	"Role":     roleUser,
	"Currency": usd,
	"Country":  unitedUS,
	"ApprovalLimit": o("id", 7, "name", "1000.00 USD", "amount", "1000.00", "subject", "requisition_header",
		"currency", usd),
	"PhoneNumber": o("id", 311, "country-code", "1", "area-code", "415", "number", "5550123", "extension", null),
	"Department":  o("id", 4, "name", "Sales", "active", true),
	"Address": o("id", 1, "name", "Headquarters", "location-code", "HQ", "street1", "100 Market Street",
		"street2", "Suite 300", "city", "San Francisco", "state", "CA", "postal-code", "94105",
		"attention", null, "active", true, "country", unitedUS),
	"AccountType": o("id", 1, "name", "US COA", "active", true, "currency", usd),
	"Account": o("id", 12, "name", "Sales - Travel", "code", "100-4000-6100", "active", true,
		"segment-1", "100", "segment-2", "4000", "segment-3", "6100", "account-type", o("id", 1, "name", "US COA")),
	"BusinessGroup":         o("id", 2, "name", "North America", "description", "Content for North American users"),
	"UserGroup":             o("id", 5, "name", "Travel Approvers", "description", null, "active", true),
	"AccountGroup":          o("id", 3, "name", "US Cost Centers", "description", null),
	"ApprovalGroup":         o("id", 6, "name", "Finance Approvers", "description", null),
	"Warehouse":             o("id", 2, "name", "Reno DC", "description", null, "active", true),
	"InventoryOrganization": o("id", 1, "name", "US Inventory", "active", true),
	"LegalEntity":           o("id", 1, "name", "Example Corp US", "active", true),
	"Pcard": o("id", 3, "created-at", "2023-02-01T10:00:00-08:00", "updated-at", "2023-02-01T10:00:00-08:00",
		"name", "Jane Doe Visa", "nickname", "Travel card", "number", "************4242", "expiry", "2028-06",
		"active", true, "shared", false),
	"InvoiceInbox": o("name", "Default", "email-address", "invoices@example.coupahost.com"),
}

// exampleValues are the example user's values where the default (null, false, [] or the object's example) would
// not do.
var exampleValues = map[string]any{
	"id":                               42,
	"login":                            "jane.doe",
	"email":                            "jane.doe@example.com",
	"firstname":                        "Jane",
	"lastname":                         "Doe",
	"fullname":                         "Jane Doe",
	"employee-number":                  "E000042",
	"mention-name":                     "JaneDoe",
	"active":                           true,
	"authentication-method":            "saml",
	"sso-identifier":                   "jane.doe@example.com",
	"account-security-type":            0,
	"business-group-security-type":     0,
	"default-locale":                   "en",
	"employee-payment-channel":         "ERP",
	"seniority-level":                  "Manager",
	"purchasing-user":                  true,
	"expense-user":                     true,
	"created-at":                       "2024-03-05T09:15:27-08:00",
	"updated-at":                       "2026-10-30T14:02:11-07:00",
	"manager":                          o("id", 7, "login", "sam.lee", "employee-number", "E000007", "firstname", "Sam", "lastname", "Lee", "fullname", "Sam Lee", "email", "sam.lee@example.com", "salesforce-id", null, "avatar-thumb-url", null),
	"created-by":                       integrate,
	"updated-by":                       integrate,
	"roles":                            []any{roleUser},
	"content-groups":                   []any{exampleObjects["BusinessGroup"]},
	"phone-mobile":                     null,
	"default-account":                  null,
	"legal-entity":                     null,
	"escalation-threshold":             null,
	"contract-approval-limit":          null,
	"contract-self-approval-limit":     null,
	"expense-approval-limit":           null,
	"expense-self-approval-limit":      null,
	"invoice-approval-limit":           null,
	"requisition-self-approval-limit":  null,
	"work-confirmation-approval-limit": null,
}

// exampleCreate is a create that succeeds against a fake started with its defaults (fake/example_spec_test.go
// proves it): every reference names something the default fake holds. The manager is named by id, user 7 (the
// example user's manager): ids 1 to 3 are the default clients' API users and 4 to 103 the generated users whatever
// the seed, while generated logins change with it.
var exampleCreate = o(
	"login", "jane.doe",
	"email", "jane.doe@example.com",
	"firstname", "Jane",
	"lastname", "Doe",
	"manager", o("id", 7),
	"roles", []any{o("name", "Buyer"), o("id", 3)},
	"default-currency", o("code", "EUR"),
	"department", o("name", "Sales"),
	"default-address", o("location-code", "HQ"),
	"phone-work", o("country-code", "1", "area-code", "415", "number", "5550123"),
	"purchasing-user", true,
	"generate-password-and-notify", "No",
)

var exampleUpdate = o(
	"lastname", "Doe-Smith",
	"active", false,
)

// exampleUser builds the example user from the table: every output element gets a value, so the example always
// matches the elements the document declares.
func (g *generator) exampleUser() (obj, error) {
	var u obj
	for _, e := range g.t.Elements {
		if !e.Out {
			continue
		}
		if v, ok := exampleValues[e.Key]; ok {
			u = append(u, kv{e.Key, v})
			continue
		}
		switch {
		case e.List:
			u = append(u, kv{e.Key, []any{}})
		case e.Type == table.TypeObject:
			ex, err := g.exampleObject(e.Object)
			if err != nil {
				return nil, fmt.Errorf("example of %s: %w", e.Key, err)
			}
			u = append(u, kv{e.Key, ex})
		case e.Nullable:
			u = append(u, kv{e.Key, null})
		case e.Type == table.TypeBoolean:
			u = append(u, kv{e.Key, false})
		default:
			return nil, fmt.Errorf("no example value for the non-null element %q: add one to exampleValues", e.Key)
		}
	}
	return u, nil
}

func (g *generator) exampleObject(name string) (obj, error) {
	ex, ok := exampleObjects[name]
	if !ok {
		return nil, fmt.Errorf("no example for object %q: add one to exampleObjects", name)
	}
	return ex, nil
}
