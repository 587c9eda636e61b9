package railsxml

import (
	"context"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// testSpec is a small OpenAPI document shaped like Coupa's Users API: enough
// to exercise refs, nullable allOf wrappers, arrays with xml names, the
// x-coupa-xml-type extension and additionalProperties.
const testSpec = `
openapi: 3.0.3
info: {title: railsxml test, version: "1"}
paths:
  /users/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: a user
          content:
            application/xml:
              schema: {$ref: '#/components/schemas/User'}
        "422":
          description: validation errors
          content:
            application/xml:
              schema: {$ref: '#/components/schemas/Errors'}
  /users:
    get:
      responses:
        "200":
          description: users
          content:
            text/xml:
              schema:
                type: array
                items: {$ref: '#/components/schemas/User'}
components:
  schemas:
    User:
      type: object
      xml: {name: user}
      required: [id, login]
      properties:
        id: {type: integer}
        created-at: {type: string, format: date-time}
        updated-at: {type: string, format: date-time}
        login: {type: string}
        email: {type: string}
        firstname: {type: string}
        lastname: {type: string}
        fullname: {type: string}
        employee-number: {type: string, nullable: true}
        active: {type: boolean}
        purchasing-user: {type: boolean, nullable: true}
        expense-user: {type: boolean, nullable: true}
        sourcing-user: {type: boolean, nullable: true}
        inventory-user: {type: boolean, nullable: true}
        contracts-user: {type: boolean, nullable: true}
        analytics-user: {type: boolean, nullable: true}
        aic-user: {type: boolean, nullable: true}
        spend-guard-user: {type: boolean, nullable: true}
        api-user: {type: boolean, nullable: true}
        authentication-method: {type: string, x-coupa-xml-type: symbol, enum: [coupa_credentials, saml, ldap]}
        sso-identifier: {type: string, nullable: true}
        default-locale: {type: string, nullable: true}
        business-group-security-type: {type: integer, nullable: true}
        account-security-type: {type: integer, nullable: true}
        mention-name: {type: string, nullable: true}
        salesforce-id: {type: string, nullable: true}
        avatar-thumb-url: {type: string, nullable: true}
        seniority-level: {type: string, nullable: true}
        score: {type: number, nullable: true}
        phone-work: {nullable: true, allOf: [{$ref: '#/components/schemas/PhoneNumber'}]}
        phone-mobile: {nullable: true, allOf: [{$ref: '#/components/schemas/PhoneNumber'}]}
        manager: {nullable: true, allOf: [{$ref: '#/components/schemas/UserRef'}]}
        created-by: {nullable: true, allOf: [{$ref: '#/components/schemas/UserRef'}]}
        updated-by: {nullable: true, allOf: [{$ref: '#/components/schemas/UserRef'}]}
        roles: {type: array, items: {$ref: '#/components/schemas/Role'}}
        content-groups: {type: array, items: {$ref: '#/components/schemas/BusinessGroup'}}
        can-expense-for: {type: array, items: {$ref: '#/components/schemas/UserRef'}}
        expenses-delegated-to: {type: array, items: {$ref: '#/components/schemas/UserRef'}}
        approval-limit: {nullable: true, allOf: [{$ref: '#/components/schemas/ApprovalLimit'}]}
        requisition-approval-limit: {nullable: true, allOf: [{$ref: '#/components/schemas/ApprovalLimit'}]}
        default-currency: {nullable: true, allOf: [{$ref: '#/components/schemas/Currency'}]}
        department: {nullable: true, allOf: [{$ref: '#/components/schemas/Department'}]}
        default-address: {nullable: true, allOf: [{$ref: '#/components/schemas/Address'}]}
        custom-fields: {type: object, additionalProperties: {type: integer}}
    UserRef:
      type: object
      xml: {name: user}
      properties:
        id: {type: integer}
        login: {type: string}
        email: {type: string}
        employee-number: {type: string, nullable: true}
    Role:
      type: object
      xml: {name: role}
      properties:
        id: {type: integer}
        name: {type: string}
        description: {type: string, nullable: true}
        omnipotent: {type: boolean}
        system-role: {type: boolean}
        created-at: {type: string, format: date-time}
    BusinessGroup:
      type: object
      xml: {name: business-group}
      properties:
        id: {type: integer}
        name: {type: string}
    PhoneNumber:
      type: object
      xml: {name: phone-number}
      properties:
        id: {type: integer}
        country-code: {type: string}
        area-code: {type: string, nullable: true}
        number: {type: string}
    ApprovalLimit:
      type: object
      xml: {name: approval-limit}
      properties:
        id: {type: integer}
        name: {type: string}
        amount: {type: string, x-coupa-xml-type: decimal}
        currency: {nullable: true, allOf: [{$ref: '#/components/schemas/Currency'}]}
    Currency:
      type: object
      xml: {name: currency}
      properties:
        id: {type: integer}
        code: {type: string}
        decimals: {type: integer}
    Department:
      type: object
      xml: {name: department}
      properties:
        id: {type: integer}
        name: {type: string}
        active: {type: boolean}
    Address:
      type: object
      xml: {name: address}
      properties:
        id: {type: integer}
        street1: {type: string}
        city: {type: string}
    Errors:
      type: array
      xml: {name: errors, wrapped: true}
      items: {type: string, xml: {name: error}}
`

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specErr  error
)

// loadSpec loads testSpec once; the tests only read it.
func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	specOnce.Do(func() {
		specDoc, specErr = openapi3.NewLoader().LoadFromData([]byte(testSpec))
		if specErr == nil {
			specErr = specDoc.Validate(context.Background())
		}
	})
	if specErr != nil {
		t.Fatalf("test spec: %v", specErr)
	}
	return specDoc
}

// schema returns the component schema called name.
func schema(t testing.TB, name string) *openapi3.Schema {
	t.Helper()
	ref := loadSpec(t).Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		t.Fatalf("no schema %q", name)
	}
	return ref.Value
}

// coupaUser is a Coupa-like user as the real API writes it: 44 fields, with
// nested associations, a roles array, nil associations, typed nils, empty
// strings and every type attribute Coupa uses.
const coupaUser = `<?xml version="1.0" encoding="UTF-8"?>
<user>
  <id type="integer">15</id>
  <created-at type="dateTime">2016-11-08T11:28:50+02:00</created-at>
  <updated-at type="dateTime">2024-03-01T08:00:00Z</updated-at>
  <login>jdoe</login>
  <email>jdoe@example.com</email>
  <firstname>Jane</firstname>
  <lastname>Doe</lastname>
  <fullname>Jane Doe</fullname>
  <employee-number></employee-number>
  <active type="boolean">true</active>
  <purchasing-user type="boolean">true</purchasing-user>
  <expense-user type="boolean">false</expense-user>
  <sourcing-user type="boolean" nil="true"/>
  <inventory-user type="boolean">false</inventory-user>
  <contracts-user type="boolean">false</contracts-user>
  <analytics-user type="boolean">true</analytics-user>
  <aic-user type="boolean">false</aic-user>
  <spend-guard-user type="boolean">false</spend-guard-user>
  <api-user type="boolean">false</api-user>
  <authentication-method type="symbol">coupa_credentials</authentication-method>
  <sso-identifier nil="true"/>
  <default-locale>en</default-locale>
  <business-group-security-type type="integer" nil="true"/>
  <account-security-type type="integer">0</account-security-type>
  <mention-name>JaneDoe</mention-name>
  <salesforce-id nil="true"/>
  <avatar-thumb-url nil="true"/>
  <seniority-level/>
  <phone-work>
    <id type="integer">7</id>
    <country-code>1</country-code>
    <area-code>415</area-code>
    <number>555 0100</number>
  </phone-work>
  <phone-mobile nil="true"/>
  <manager>
    <id type="integer">3</id>
    <login>boss</login>
    <email>boss@example.com</email>
    <employee-number>E-0003</employee-number>
  </manager>
  <created-by>
    <id type="integer">1</id>
    <login>admin</login>
    <email>admin@example.com</email>
    <employee-number nil="true"/>
  </created-by>
  <updated-by nil="true"/>
  <roles type="array">
    <role>
      <id type="integer">1</id>
      <name>Admin</name>
      <description>Full access &amp; more</description>
      <omnipotent type="boolean">true</omnipotent>
      <system-role type="boolean">true</system-role>
      <created-at type="dateTime">2016-11-08T11:28:50+02:00</created-at>
    </role>
    <role>
      <id type="integer">2</id>
      <name>User</name>
      <description nil="true"/>
      <omnipotent type="boolean">false</omnipotent>
      <system-role type="boolean">true</system-role>
      <created-at type="dateTime">2016-11-08T11:28:50+02:00</created-at>
    </role>
  </roles>
  <content-groups type="array"/>
  <can-expense-for type="array">
    <user>
      <id type="integer">4</id>
      <login>assistant</login>
      <email>assistant@example.com</email>
      <employee-number></employee-number>
    </user>
  </can-expense-for>
  <expenses-delegated-to type="array"/>
  <approval-limit>
    <id type="integer">9</id>
    <name>Manager limit</name>
    <amount type="decimal">10000.00</amount>
    <currency>
      <id type="integer">1</id>
      <code>USD</code>
      <decimals type="integer">2</decimals>
    </currency>
  </approval-limit>
  <requisition-approval-limit nil="true"/>
  <default-currency>
    <id type="integer">1</id>
    <code>USD</code>
    <decimals type="integer">2</decimals>
  </default-currency>
  <department>
    <id type="integer">12</id>
    <name>Finance</name>
    <active type="boolean">true</active>
  </department>
  <default-address nil="true"/>
</user>
`

// coupaUserValue is coupaUser as Unmarshal must return it with the User schema.
func coupaUserValue() map[string]any {
	currency := map[string]any{"id": 1.0, "code": "USD", "decimals": 2.0}
	return map[string]any{
		"id":                           15.0,
		"created-at":                   "2016-11-08T11:28:50+02:00",
		"updated-at":                   "2024-03-01T08:00:00Z",
		"login":                        "jdoe",
		"email":                        "jdoe@example.com",
		"firstname":                    "Jane",
		"lastname":                     "Doe",
		"fullname":                     "Jane Doe",
		"employee-number":              "",
		"active":                       true,
		"purchasing-user":              true,
		"expense-user":                 false,
		"sourcing-user":                nil,
		"inventory-user":               false,
		"contracts-user":               false,
		"analytics-user":               true,
		"aic-user":                     false,
		"spend-guard-user":             false,
		"api-user":                     false,
		"authentication-method":        "coupa_credentials",
		"sso-identifier":               nil,
		"default-locale":               "en",
		"business-group-security-type": nil,
		"account-security-type":        0.0,
		"mention-name":                 "JaneDoe",
		"salesforce-id":                nil,
		"avatar-thumb-url":             nil,
		"seniority-level":              "",
		"phone-work":                   map[string]any{"id": 7.0, "country-code": "1", "area-code": "415", "number": "555 0100"},
		"phone-mobile":                 nil,
		"manager":                      map[string]any{"id": 3.0, "login": "boss", "email": "boss@example.com", "employee-number": "E-0003"},
		"created-by":                   map[string]any{"id": 1.0, "login": "admin", "email": "admin@example.com", "employee-number": nil},
		"updated-by":                   nil,
		"roles": []any{
			map[string]any{"id": 1.0, "name": "Admin", "description": "Full access & more", "omnipotent": true, "system-role": true, "created-at": "2016-11-08T11:28:50+02:00"},
			map[string]any{"id": 2.0, "name": "User", "description": nil, "omnipotent": false, "system-role": true, "created-at": "2016-11-08T11:28:50+02:00"},
		},
		"content-groups": []any{},
		"can-expense-for": []any{
			map[string]any{"id": 4.0, "login": "assistant", "email": "assistant@example.com", "employee-number": ""},
		},
		"expenses-delegated-to":      []any{},
		"approval-limit":             map[string]any{"id": 9.0, "name": "Manager limit", "amount": "10000.00", "currency": currency},
		"requisition-approval-limit": nil,
		"default-currency":           map[string]any{"id": 1.0, "code": "USD", "decimals": 2.0},
		"department":                 map[string]any{"id": 12.0, "name": "Finance", "active": true},
		"default-address":            nil,
	}
}
