// Example local functions for docker-compose.yml (README, "Local functions"): Lambda handlers by
// function name. A Task state with Resource arn:aws:lambda:us-east-1:123456789012:function:greet
// runs `greet` here instead of calling AWS. Mount your own folder over /etc/stepstone/functions.
export const greet = async (event) => ({ greeting: `hello, ${event?.name ?? 'world'}` });
export const double = async (event) => ({ doubled: Number(event?.value ?? 0) * 2 });
