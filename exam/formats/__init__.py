"""Bank formats trainers already have: Excel template, Moodle GIFT and Aiken; and the bank-plugin scaffold."""
