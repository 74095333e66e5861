'use strict';
// The certificate picker of an audit lists only the chosen agency's certificates: the agency
// chosen on the page is sent with each search (CertificateAdmin.get_search_results filters on
// it), and a certificate chosen for another agency is cleared when the agency changes.
// A file of its own, with no inline script: the admin's Content-Security-Policy allows only 'self'.
{
    const $ = django.jQuery;
    const isCertificateSearch = (data) => {
        const params = new URLSearchParams(data || '');
        return params.get('model_name') === 'audit' && params.get('field_name') === 'certificate';
    };
    $.ajaxPrefilter(function(options) {
        const agency = document.getElementById('id_agency');
        if (agency && agency.value && typeof options.data === 'string' && isCertificateSearch(options.data)) {
            options.data += '&agency=' + encodeURIComponent(agency.value);
        }
    });
    $(document).on('change', '#id_agency', function() {
        $('#id_certificate').val(null).trigger('change');
    });
}
