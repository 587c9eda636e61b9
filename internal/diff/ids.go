package diff

import (
	"encoding/json"
	"fmt"
)

// jsonIDs reads the ids of a JSON array of users.
func jsonIDs(body []byte) ([]int64, error) {
	var users []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &users); err != nil {
		return nil, fmt.Errorf("the first page is not a JSON array of users: %w", err)
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return ids, nil
}
