"""What applicants fill in, for every door that files a submission (the public web forms, the
API and staff recording an off-line request): the parts the field sets are made of (`parts`),
what every kind asks of an applicant (`applicant`), each kind's field set (`help`,
`volunteer`, `complaint`), and reading an API body into a field set without coercion (`api`)."""
