//! Entry point of the playground: mounts the app on `<body>`.

fn main() {
    netsim_web::start();
}
